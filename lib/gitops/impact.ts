import type { ChangeSet } from "./change-set";
import type { Deployment, FileTree, RepoModel } from "./model";
import { readRepository, type ReadOptions } from "./read";

/** A cell whose rendered versions a change alters: what the change really does, whatever its label. */
export interface EnvironmentImpact {
  app: string;
  env: string;
  versions: { name: string; from: string | null; to: string | null }[];
}

/** The tree as it will be once the change set is merged. */
export function applyChangeSet(tree: FileTree, changeSet: Pick<ChangeSet, "edits">): FileTree {
  const out = new Map(tree);
  for (const e of changeSet.edits) {
    if (e.action === "delete" || e.content === null) out.delete(e.path);
    else out.set(e.path, e.content);
  }
  return out;
}

const cellKey = (d: Pick<Deployment, "app" | "env">) => `${d.app}\u0000${d.env}`;

/**
 * Every cell whose versions differ between the models before and after a change: a cell that appears
 * or disappears counts too. Compared by version name (image, chart), so a value moving to another file
 * with the same content is no impact.
 */
export function impactOf(before: RepoModel, after: RepoModel): EnvironmentImpact[] {
  const was = new Map(before.deployments.map((d) => [cellKey(d), d] as const));
  const now = new Map(after.deployments.map((d) => [cellKey(d), d] as const));
  const out: EnvironmentImpact[] = [];
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    const a = was.get(key);
    const b = now.get(key);
    const cell = a ?? b;
    if (!cell) continue;
    const names = new Set([...(a?.versions ?? []), ...(b?.versions ?? [])].map((v) => `${v.kind}:${v.name}`));
    const versions: EnvironmentImpact["versions"] = [];
    for (const name of [...names].sort()) {
      const from = valuesOf(a, name);
      const to = valuesOf(b, name);
      if (from !== to) versions.push({ name: name.slice(name.indexOf(":") + 1), from, to });
    }
    if (versions.length > 0) out.push({ app: cell.app, env: cell.env, versions });
  }
  return out.sort((x, y) => x.env.localeCompare(y.env) || x.app.localeCompare(y.app));
}

function valuesOf(d: Deployment | undefined, name: string): string | null {
  if (!d) return null;
  const values = d.versions.filter((v) => `${v.kind}:${v.name}` === name).map((v) => v.value ?? "");
  return values.length === 0 ? null : [...new Set(values)].sort().join(", ");
}

/** The environments a change alters, for the policy: the target's label is never enough on its own. */
export function impactedEnvironments(impact: readonly EnvironmentImpact[]): string[] {
  return [...new Set(impact.map((i) => i.env))].sort();
}

/** The impact of merging `changeSet` into `tree`, whose model is `before` (read with the same options). */
export function changeImpact(tree: FileTree, before: RepoModel, changeSet: Pick<ChangeSet, "edits">, options: ReadOptions = {}): EnvironmentImpact[] {
  return impactOf(before, readRepository(applyChangeSet(tree, changeSet), options));
}
