import type { Version } from "../model";

export interface VersionPair {
  source: Version;
  target: Version;
}

export interface Matching {
  pairs: VersionPair[];
  /** Source fields with no counterpart in the target. */
  unmatched: Version[];
}

const identity = (v: Version) => `${v.kind}\u0000${v.name}`;

/**
 * Pair every target field with the source field of the same kind and name. When one image appears several
 * times (two containers), the same readable field wins (containers are named, so `containers[name=web]`
 * matches `containers[name=web]` whatever its index); otherwise the first source field of that name.
 */
export function matchVersions(source: readonly Version[], target: readonly Version[]): Matching {
  const bySource = new Map<string, Version[]>();
  for (const v of source) bySource.set(identity(v), [...(bySource.get(identity(v)) ?? []), v]);
  const pairs: VersionPair[] = [];
  const used = new Set<string>();
  for (const t of target) {
    const candidates = bySource.get(identity(t));
    const s = candidates?.find((c) => c.field === t.field) ?? candidates?.[0];
    if (!s) continue;
    pairs.push({ source: s, target: t });
    used.add(identity(t));
  }
  const unmatched = source.filter((v) => !used.has(identity(v)));
  return { pairs, unmatched };
}

/** The tag part of a release: a digest-only image reports its digest as `value` too, which is no tag. */
export function tagOf(v: { value: string | null; digest?: string | null }): string | null {
  return v.value !== null && v.value !== v.digest ? v.value : null;
}

/** What a reviewer reads for a field's value: the tag, the digest, or both. */
export function display(v: { value: string | null; digest?: string | null }): string | null {
  const tag = tagOf(v);
  if (tag && v.digest) return `${tag}@${v.digest}`;
  return tag ?? v.digest ?? v.value ?? null;
}

export function sameRelease(a: Version, b: Version): boolean {
  return (a.value ?? null) === (b.value ?? null) && (a.digest ?? null) === (b.digest ?? null);
}
