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

/** The git directory holding a checkout's config: a linked worktree's `commondir`, else its own. */
async function gitConfigDir(dir: string): Promise<string | undefined> {
  const dotGit = path.join(dir, ".git");
  const info = await stat(dotGit).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return dotGit;
  const pointer = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, "utf8").catch(() => ""))?.[1]?.trim();
  if (!pointer) return undefined;
  const gitDir = path.resolve(dir, pointer);
  const common = (await readFile(path.join(gitDir, "commondir"), "utf8").catch(() => "")).trim();
  return common ? path.resolve(gitDir, common) : gitDir;
}

/** The checkout's `origin` URL from its git config (read, like the branch, without running git). */
export async function originUrl(dir: string): Promise<string | undefined> {
  const configDir = await gitConfigDir(dir);
  if (!configDir) return undefined;
  const config = await readFile(path.join(configDir, "config"), "utf8").catch(() => "");
  let inOrigin = false;
  for (const line of config.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]/.exec(line)?.[1];
    if (section !== undefined) inOrigin = /^remote\s+"origin"$/.test(section.trim());
    const url = inOrigin ? /^\s*url\s*=\s*(.+?)\s*$/.exec(line)?.[1] : undefined;
    if (url) return url;
  }
  return undefined;
}

/** How the CLI reads a checkout: named after its folder, on its branch, known by its origin's URL. */
export async function checkoutReadOptions(dir: string): Promise<{ rootAppName: string; branch: string | undefined; repositoryUrl: string | undefined }> {
  return { rootAppName: path.basename(dir), branch: await checkedOutBranch(dir), repositoryUrl: await originUrl(dir) };
}
