import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { isObjectId } from "./arguments";

// A branch head read from the ref files themselves, without starting git: every sync starts by asking
// for it, and most syncs end right there (nothing moved). Only the plain files layout is read — a
// loose ref, else packed-refs. Anything else (reftable, a linked worktree, a symbolic ref, a name that
// is not a plain branch) returns null and the caller asks git, which knows every layout.

const PLAIN_BRANCH = /^[A-Za-z0-9._\-/]+$/;

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export async function readBranchHead(gitDir: string, branch: string): Promise<string | null> {
  if (!PLAIN_BRANCH.test(branch) || branch.includes("..") || branch.startsWith("/") || branch.endsWith(".lock")) return null;
  if ((await exists(path.join(gitDir, "reftable"))) || (await exists(path.join(gitDir, "commondir")))) return null;
  const name = `refs/heads/${branch}`;
  try {
    const loose = (await readFile(path.join(gitDir, name), "utf8")).trim();
    return isObjectId(loose) ? loose : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return null;
  }
  let packed: string;
  try {
    packed = await readFile(path.join(gitDir, "packed-refs"), "utf8");
  } catch {
    return null;
  }
  for (const line of packed.split("\n")) {
    // "<sha> <refname>"; "^<sha>" lines peel the tag above them and "#" lines are comments.
    const space = line.indexOf(" ");
    if (space > 0 && line.slice(space + 1).trim() === name) {
      const sha = line.slice(0, space);
      return isObjectId(sha) ? sha : null;
    }
  }
  return null;
}
