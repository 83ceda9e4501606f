import os from "node:os";
import { InvalidInputError } from "../errors";
import type { GitIdentity } from "../types";
import { GitCommandError, runGit } from "./run-git";

// Arguments of the write side come from users and from plans built on repository content. A path
// that escapes the repository, writes into `.git`, or a branch name git would read as something else
// must be refused before any object is written.

/**
 * A file path a commit may write: relative, normalised POSIX ("a/b.yaml", not "./a//b.yaml"),
 * without "." / ".." segments or a ".git" component (any case: case-insensitive file systems
 * would check it out as the repository's own directory).
 */
export function assertWritablePath(repository: string, path: string): void {
  const refuse = (why: string): never => {
    throw new InvalidInputError(repository, `Refusing path ${JSON.stringify(path)}: ${why}.`);
  };
  if (path.length === 0) refuse("it is empty");
  if (/[\0-\x1f\x7f]/.test(path)) refuse("control characters are not allowed");
  if (path.includes("\\")) refuse('use "/" as the separator');
  if (path.startsWith("/")) refuse("it must be relative to the repository root");
  if (path.startsWith("-")) refuse('it must not start with "-"');
  if (path.endsWith("/")) refuse("it names a folder, not a file");
  for (const segment of path.split("/")) {
    if (segment === "") refuse("it contains an empty segment");
    if (segment === "." || segment === "..") refuse(`"${segment}" segments are not allowed`);
    if (segment.toLowerCase() === ".git") refuse('a ".git" component is not allowed');
  }
}

/** Branch names are checked by git itself (`check-ref-format --branch`), so they are exactly what git accepts. */
export async function assertBranchName(repository: string, branch: string): Promise<void> {
  const refuse = (why: string, cause?: unknown): never => {
    throw new InvalidInputError(repository, `Refusing branch name ${JSON.stringify(branch)}: ${why}.`, { cause });
  };
  if (branch.length === 0) refuse("it is empty");
  if (branch.startsWith("-")) refuse('it must not start with "-"');
  if (/[\0-\x1f\x7f]/.test(branch)) refuse("control characters are not allowed");
  if (branch.startsWith("refs/")) refuse('give the short name, without "refs/"');
  let normalized: string;
  try {
    // Outside any repository: the answer must not depend on the portal's own checkout.
    normalized = (await runGit(["check-ref-format", "--branch", branch], { cwd: os.tmpdir() })).trim();
  } catch (error) {
    if (error instanceof GitCommandError) return refuse("git does not accept it as a branch name", error);
    throw error;
  }
  // `--branch` expands "@{-1}" and friends; a name must mean itself.
  if (normalized !== branch) refuse("it is not a plain branch name");
}

/** Git would silently strip "<", ">" and newlines from an identity: refuse instead of recording something else. */
export function assertIdentity(repository: string, who: GitIdentity, role: string): void {
  for (const [field, value] of [
    ["name", who.name],
    ["email", who.email],
  ] as const) {
    if (value.trim().length === 0) throw new InvalidInputError(repository, `The ${role}'s ${field} must not be empty.`);
    if (/[<>\0-\x1f\x7f]/.test(value)) throw new InvalidInputError(repository, `Refusing ${role} ${field} ${JSON.stringify(value)}: "<", ">" and control characters are not allowed.`);
  }
}

export function assertCommitMessage(repository: string, message: string): void {
  if (message.trim().length === 0) throw new InvalidInputError(repository, "A commit message must not be empty.");
  if (message.includes("\0")) throw new InvalidInputError(repository, "A commit message must not contain NUL characters.");
}

/** The environment that makes commit-tree record exactly these people (never the machine's git config). */
export function identityEnv(author: GitIdentity, committer: GitIdentity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}

export const FERRY_COMMITTER: GitIdentity = { name: "Ferry", email: "ferry@localhost" };
