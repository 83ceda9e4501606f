import type { FileChange } from "../types";

/** One entry of the commits API's `actions[]` (gitbeaker sends it snake_cased). */
export interface CommitActionInput {
  action: "create" | "update" | "delete";
  filePath: string;
  content?: string;
  encoding?: "base64";
}

/**
 * The commits API needs to know whether each file exists in the start commit: "create" on an
 * existing file and "update"/"delete" on a missing one are refused. With `existing` (the paths of
 * the base commit, or of the changed folders) the actions are exact and deletes of absent files are
 * dropped (a no-op by contract). Without it, every write is sent as "update": promotions edit files
 * that exist, and a wrong guess is refused as a whole by GitLab (nothing is written), after which the
 * caller learns the folders and plans again.
 * Content is always base64: the bytes land exactly (CRLF, a BOM, non-UTF-8), and the mode of an
 * updated file is kept by GitLab.
 */
export function planCommitActions(changes: readonly FileChange[], existing: ReadonlySet<string> | null): CommitActionInput[] {
  const actions: CommitActionInput[] = [];
  for (const change of changes) {
    const exists = existing ? existing.has(change.path) : null;
    if ("delete" in change) {
      if (exists !== false) actions.push({ action: "delete", filePath: change.path });
      continue;
    }
    const bytes = typeof change.content === "string" ? Buffer.from(change.content, "utf8") : Buffer.from(change.content);
    actions.push({ action: exists === false ? "create" : "update", filePath: change.path, content: bytes.toString("base64"), encoding: "base64" });
  }
  return actions;
}

/** The folders holding the changed paths ("" is the root), to list when the base tree is not known. */
export function foldersOf(changes: readonly FileChange[]): string[] {
  const folders = new Set<string>();
  for (const change of changes) {
    const slash = change.path.lastIndexOf("/");
    folders.add(slash < 0 ? "" : change.path.slice(0, slash));
  }
  return [...folders].sort();
}
