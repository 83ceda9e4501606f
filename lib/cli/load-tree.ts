import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { FileTree, RepoError } from "../gitops/model";

export const MAX_READ_BYTES = 10 * 1024 * 1024;
const SKIP_DIRS = new Set([".git", "node_modules"]);

export interface LoadedTree {
  tree: FileTree;
  errors: RepoError[];
}

/**
 * Read a checkout into a FileTree. Symlinks are never followed (a link could point outside the repo);
 * they and oversized files are reported instead of read.
 */
export async function loadTree(root: string): Promise<LoadedTree> {
  const tree = new Map<string, string>();
  const errors: RepoError[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        errors.push({ file: relPath, message: "symlink skipped" });
      } else if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(full, relPath);
      } else if (entry.isFile()) {
        const stat = await lstat(full);
        if (stat.size > MAX_READ_BYTES) {
          errors.push({ file: relPath, message: `file larger than 10 MB (${stat.size} bytes), not read` });
          continue;
        }
        tree.set(relPath, await readFile(full, "utf8"));
      }
    }
  };
  await walk(root, "");
  return { tree, errors };
}
