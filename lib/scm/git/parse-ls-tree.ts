import type { TreeEntry } from "../types";

/**
 * Parses `git ls-tree -r -l -z` output: `<mode> SP <type> SP <sha> SP+ <size> TAB <path> NUL`.
 * -z keeps paths verbatim (no C-quoting of unicode or special characters).
 * Only blobs are returned: submodules ("commit" entries) have no content in this repository.
 */
export function parseLsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    if (tab < 0) throw new Error(`Unexpected ls-tree record: ${JSON.stringify(record.slice(0, 200))}`);
    const [mode, type, sha, size] = record.slice(0, tab).split(/ +/);
    if (type !== "blob" || !mode || !sha) continue;
    const bytes = Number(size);
    entries.push({ path: record.slice(tab + 1), blobSha: sha, mode, ...(Number.isFinite(bytes) ? { size: bytes } : {}) });
  }
  return entries;
}
