// Files a tree loader saw but did not put into the FileTree (a symlink, a file over the size limit,
// content that is not UTF-8 text, a name that is not UTF-8), each with the reason. The loader
// attaches them to the tree it returns, so the reader can say "big.yaml: larger than 10 MB, not
// read" on the cell instead of "file not found", and the loader's caller can list them.
import type { FileTree, RepoError } from "../model";
import { basename, isYamlPath } from "./paths";

/** Repo-relative path (with invalid UTF-8 bytes escaped as `\xNN`) → why it is not in the tree. */
export type SkippedFiles = ReadonlyMap<string, string>;

// Keyed by the tree object: FileTree stays a plain map, and a copy of a tree (which may differ) loses the record.
const skippedByTree = new WeakMap<FileTree, SkippedFiles>();

/** Record what the loader of `tree` left out; returns `tree`. */
export function withSkippedFiles<T extends FileTree>(tree: T, skipped: SkippedFiles): T {
  if (skipped.size > 0) skippedByTree.set(tree, skipped);
  return tree;
}

export function skippedFilesOf(tree: FileTree): SkippedFiles {
  return skippedByTree.get(tree) ?? new Map();
}

export const SKIP_REASON = {
  symlink: "symlink, not followed (it could point outside the repository)",
  submodule: "git submodule, not read",
  tooLarge: (limitBytes: number, size: number) => `file larger than ${formatSize(limitBytes)} (${size} bytes), not read`,
  notUtf8: "not valid UTF-8, not read",
  binary: "binary file (NUL bytes), not read",
  notText: "not UTF-8 text (binary or another encoding), not read",
  badName: "file name is not valid UTF-8 (shown with \\xNN escapes), not read",
  /** A forge or git that already decoded the name: the invalid bytes are U+FFFD by now. */
  badNameReplaced: "file name is not valid UTF-8 (invalid bytes shown as \uFFFD), not read",
  badFolderName: "folder name is not valid UTF-8 (shown with \\xNN escapes); nothing in it was read",
} as const;

function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
}

/** Files the reader would have parsed: YAML, JSON and kustomize's extension-less `Kustomization`. */
export function isManifestLike(path: string): boolean {
  return isYamlPath(path) || path.endsWith(".json") || basename(path) === "Kustomization";
}

const NOT_TEXT_REASONS: ReadonlySet<string> = new Set([SKIP_REASON.binary, SKIP_REASON.notText, SKIP_REASON.notUtf8]);

/**
 * What to tell the user about skipped files: each is an error with file and reason, except that a
 * binary or non-UTF-8 file that is not a manifest (an image, a packaged chart, a Latin-1 README) is
 * no GitOps config; those are summed up in one note so a repository with pictures stays readable.
 */
export function describeSkippedFiles(skipped: SkippedFiles, maxNamed = 5): { errors: RepoError[]; notes: string[] } {
  const errors: RepoError[] = [];
  const quiet: string[] = [];
  for (const [file, reason] of [...skipped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (NOT_TEXT_REASONS.has(reason) && !isManifestLike(file)) quiet.push(file);
    else errors.push({ file, message: reason });
  }
  const notes: string[] = [];
  if (quiet.length > 0) {
    const named = quiet.slice(0, maxNamed).join(", ");
    const more = quiet.length > maxNamed ? ` and ${quiet.length - maxNamed} more` : "";
    notes.push(`${quiet.length} file${quiet.length === 1 ? "" : "s"} not read because ${quiet.length === 1 ? "it is" : "they are"} not UTF-8 text (binary or another encoding): ${named}${more}`);
  }
  return { errors, notes };
}
