// Which paths changed between two snapshots of a repository tree (path → blob SHA).
// Pure, so the "re-read only what changed" rule is testable without git or a database.

export interface TreeDiff {
  added: string[];
  modified: string[];
  removed: string[];
}

export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): TreeDiff {
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const [path, sha] of after) {
    const old = before.get(path);
    if (old === undefined) added.push(path);
    else if (old !== sha) modified.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) removed.push(path);
  return { added, modified, removed };
}

export function changedPaths(diff: TreeDiff): string[] {
  return [...diff.added, ...diff.modified, ...diff.removed];
}

/** True when any changed path is one of `files` or lies under `folder`. */
export function touches(changed: readonly string[], folder: string, files: readonly string[]): boolean {
  if (changed.length === 0) return false;
  const fileSet = new Set(files);
  const prefix = folder.endsWith("/") ? folder : `${folder}/`;
  return changed.some((p) => fileSet.has(p) || p === folder || p.startsWith(prefix));
}
