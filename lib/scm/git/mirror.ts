import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { redactUrl } from "./location";
import { GitCommandError, runGit } from "./run-git";

// Where a remote repository's bare clone (./partial-clone.ts) lives in the cache directory. The clone
// is only a cache: when it is broken it is thrown away and made again, unlike a local repository,
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

export function gitMessage(error: unknown): string {
  if (error instanceof GitCommandError) {
    const lines = error.stderr.trim().split("\n").map((l) => l.replace(/^(fatal|error): /, ""));
    return redactUrl(lines.filter(Boolean).slice(0, 2).join(" ") || error.message);
  }
  return error instanceof Error ? error.message : String(error);
}
