import { createTwoFilesPatch } from "diff";
import type { FileEdit } from "./change-set";

const NO_HEADERS = { includeIndex: false, includeUnderline: false, includeFileHeaders: true } as const;

/** One file's patch in git's shape: `diff --git` line, `---`/`+++` headers, `/dev/null` for a create or delete. */
function filePatch(edit: FileEdit): string {
  const oldName = edit.action === "create" ? "/dev/null" : `a/${edit.path}`;
  const newName = edit.action === "delete" ? "/dev/null" : `b/${edit.path}`;
  const before = edit.action === "create" ? "" : (edit.previous ?? "");
  const after = edit.action === "delete" ? "" : (edit.content ?? "");
  const patch = createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { headerOptions: NO_HEADERS });
  const mode = edit.action === "create" ? "new file mode 100644\n" : edit.action === "delete" ? "deleted file mode 100644\n" : "";
  // jsdiff puts a tab before empty header suffixes on some versions; git has none.
  const body = patch.replace(/^(---|\+\+\+) (.*?)\t?$/gm, "$1 $2");
  return `diff --git a/${edit.path} b/${edit.path}\n${mode}${body}`;
}

/** Unified diff of every edit that changes something, in the order given. */
export function unifiedDiff(edits: readonly FileEdit[]): string {
  return edits
    .filter((e) => e.action !== "update" || e.previous !== e.content)
    .map(filePatch)
    .join("");
}
