import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { ForgeUnavailableError } from "../errors";
import { redactUrl } from "./location";
import { GitCommandError, runGit } from "./run-git";

// A remote repository is read from a bare `--mirror` clone in the cache directory. The mirror is
// only a cache: when it is broken it is thrown away and cloned again, unlike a local repository,
// which is the user's and is never modified by the read side.

export function mirrorDirFor(cacheDir: string, name: string, url: string): string {
  // The URL hash keeps two configurations that reuse a name from sharing a mirror.
  const hash = createHash("sha256").update(url).digest("hex").slice(0, 12);
  return path.join(cacheDir, `${name}-${hash}.git`);
}

export async function isUsableMirror(dir: string): Promise<boolean> {
  try {
    await fs.access(path.join(dir, "HEAD"));
    await runGit(["rev-parse", "--git-dir"], { gitDir: dir });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure a mirror of `url` exists in `dir`. Returns true when it was just cloned (and so is fresh). */
export async function ensureMirror(repository: string, url: string, dir: string, timeoutMs?: number): Promise<boolean> {
  if (await isUsableMirror(dir)) return false;
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(path.dirname(dir), { recursive: true });
  // Clone next to the target and rename: a clone interrupted half way never looks like a mirror.
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await runGit(["clone", "--mirror", "--quiet", "--", url, tmp], { timeoutMs });
    try {
      await fs.rename(tmp, dir);
    } catch (error) {
      // Another process (a second portal replica) finished its clone first: use that one.
      if (!(await isUsableMirror(dir))) throw error;
    }
    return true;
  } catch (error) {
    throw new ForgeUnavailableError(repository, `Could not clone ${redactUrl(url)}: ${gitMessage(error)}`, { cause: error });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

export async function fetchMirror(repository: string, url: string, dir: string, timeoutMs?: number): Promise<void> {
  try {
    await runGit(["fetch", "--prune", "--quiet", "origin"], { gitDir: dir, timeoutMs });
  } catch (error) {
    throw new ForgeUnavailableError(repository, `Could not fetch ${redactUrl(url)}: ${gitMessage(error)}`, { cause: error });
  }
}

export function gitMessage(error: unknown): string {
  if (error instanceof GitCommandError) {
    const lines = error.stderr.trim().split("\n").map((l) => l.replace(/^(fatal|error): /, ""));
    return redactUrl(lines.filter(Boolean).slice(0, 2).join(" ") || error.message);
  }
  return error instanceof Error ? error.message : String(error);
}
