import semver from "semver";
import type { Version } from "./model";

/**
 * How an environment's versions compare with the environment before it in the promotion path.
 * - same: every release field matches
 * - behind: the previous environment runs something newer (a promotion is pending)
 * - ahead: this environment runs something newer than the one before it (hotfix, or a skipped stage)
 * - differs: values differ but cannot be ordered (git SHAs, digests, unparseable tags)
 * - unknown: nothing to compare (no versions on one side)
 */
export type DriftState = "same" | "behind" | "ahead" | "differs" | "unknown";

export interface FieldDrift {
  kind: Version["kind"];
  name: string;
  previous: string | null;
  current: string | null;
}

export interface Drift {
  state: DriftState;
  fields: FieldDrift[];
}

const key = (v: Pick<Version, "kind" | "name">) => `${v.kind}\u0000${v.name}`;

function order(previous: string | null, current: string | null): "behind" | "ahead" | "differs" {
  const a = previous === null ? null : semver.coerce(previous, { loose: true });
  const b = current === null ? null : semver.coerce(current, { loose: true });
  // coerce() turns "sha-1a2b3c" into 1.0.0 and the like; only trust it when both look like versions.
  const looksVersioned = (s: string | null) => s !== null && /^v?\d+(\.\d+){0,2}([-+].*)?$/.test(s);
  if (!a || !b || !looksVersioned(previous) || !looksVersioned(current)) return "differs";
  const cmp = semver.compare(a, b);
  if (cmp === 0) {
    // Same numeric core: fall back to full comparison to catch prereleases (1.2.0-rc.1 < 1.2.0).
    const fa = semver.valid(previous?.replace(/^v/, "") ?? "", { loose: true });
    const fb = semver.valid(current?.replace(/^v/, "") ?? "", { loose: true });
    if (fa && fb && fa !== fb) return semver.gt(fa, fb) ? "behind" : "ahead";
    return "differs";
  }
  return cmp > 0 ? "behind" : "ahead";
}

/** Compares the release fields of two deployments of one app, matched by kind and name (not by file). */
export function compareVersions(previous: readonly Version[], current: readonly Version[]): Drift {
  if (previous.length === 0 || current.length === 0) return { state: "unknown", fields: [] };
  const before = new Map(previous.map((v) => [key(v), v]));
  const fields: FieldDrift[] = [];
  const states = new Set<DriftState>();
  for (const v of current) {
    const p = before.get(key(v));
    if (!p) continue;
    const prevValue = p.digest ?? p.value;
    const curValue = v.digest ?? v.value;
    if (prevValue === curValue) continue;
    fields.push({ kind: v.kind, name: v.name, previous: p.value, current: v.value });
    states.add(p.digest && v.digest ? "differs" : order(p.value, v.value));
  }
  if (fields.length === 0) return { state: "same", fields };
  if (states.size === 1) return { state: [...states][0] as DriftState, fields };
  return { state: states.has("behind") ? "behind" : "differs", fields };
}
