import { readFile, stat } from "node:fs/promises";
import path from "node:path";

/**
 * The branch a checkout is on, from `.git/HEAD` (a worktree's `.git` file points at its own HEAD); undefined
 * when detached or not a git checkout. Read without running git, which `ferry scan` does not need.
 */
export async function checkedOutBranch(dir: string): Promise<string | undefined> {
  const dotGit = path.join(dir, ".git");
  const info = await stat(dotGit).catch(() => undefined);
  if (!info) return undefined;
  let gitDir = dotGit;
  if (info.isFile()) {
    const pointer = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, "utf8").catch(() => ""))?.[1]?.trim();
    if (!pointer) return undefined;
    gitDir = path.resolve(dir, pointer);
  }
  const head = await readFile(path.join(gitDir, "HEAD"), "utf8").catch(() => "");
  return /^ref:\s*refs\/heads\/(.+?)\s*$/.exec(head)?.[1];
}
