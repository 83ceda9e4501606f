import type { Version } from "../model";
import { asString, type YamlPath } from "../yaml";
import { isFloatingGitRevision } from "./floating";

interface SourceLike {
  value: Record<string, unknown>;
  path: YamlPath;
}

/**
 * `$name/x.yaml` in a multi-source Application is relative to the root of the `ref` source's repository,
 * whatever that source's `path` (Argo CD resolves the ref to the repository checkout, not to the path).
 */
export function refRoots(sources: readonly SourceLike[]): Map<string, string> {
  const refs = new Map<string, string>();
  for (const s of sources) {
    const ref = asString(s.value.ref);
    if (ref) refs.set(ref, "");
  }
  return refs;
}

/** Argo CD renders every source but one that only names a `ref` (no `path`, no `chart`). */
export function isRefOnly(s: SourceLike): boolean {
  return asString(s.value.ref) !== undefined && asString(s.value.path) === undefined && asString(s.value.chart) === undefined;
}

/**
 * A git revision pins what it deploys when it is a commit or a version tag; a branch (`main`, `HEAD`,
 * `feature-x`) or a range moves with every push.
 */
export function isPinnedGitRevision(revision: string | null | undefined): boolean {
  if (!revision || isFloatingGitRevision(revision)) return false;
  return /^[0-9a-f]{7,40}$/i.test(revision) || /\d+\.\d+/.test(revision) || /^v\d+$/.test(revision);
}

/**
 * The revision of a folder of another git repository an Application deploys: it is written here, in the
 * Application, so a promotion edits `targetRevision` in place.
 */
export function externalGitRevision(s: SourceLike, file: string, doc: number, dir: string, field: string): Version {
  const repo = (asString(s.value.repoURL) ?? "").replace(/\/+$/, "");
  // No targetRevision: Argo CD follows HEAD, nothing is pinned.
  const value = asString(s.value.targetRevision) ?? null;
  return {
    kind: "git",
    name: repo ? `${repo}//${dir}` : dir,
    value,
    floating: !isPinnedGitRevision(value),
    file,
    doc,
    path: [...s.path, "targetRevision"],
    field,
  };
}
