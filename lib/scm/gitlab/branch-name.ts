import { InvalidInputError } from "../errors";

// Branch names checked without a git binary (a GitLab-only deployment need not have one), by the
// rules of `git check-ref-format --branch`, which GitLab applies too.

export function assertBranchName(repository: string, branch: string): void {
  const refuse = (why: string): never => {
    throw new InvalidInputError(repository, `Refusing branch name ${JSON.stringify(branch)}: ${why}.`);
  };
  if (branch.length === 0) refuse("it is empty");
  if (branch.length > 255) refuse("it is longer than 255 characters");
  if (branch.startsWith("-")) refuse('it must not start with "-"');
  if (branch.startsWith("refs/")) refuse('give the short name, without "refs/"');
  if (/[\0-\x20\x7f~^:?*[\\]/.test(branch)) refuse("spaces, control characters and ~ ^ : ? * [ \\ are not allowed");
  if (branch.includes("..")) refuse('".." is not allowed');
  if (branch.includes("@{") || branch === "@") refuse('"@{" is not allowed');
  if (branch.startsWith("/") || branch.endsWith("/") || branch.includes("//")) refuse("it has an empty path component");
  if (branch.endsWith(".")) refuse('it must not end with "."');
  for (const part of branch.split("/")) {
    if (part.startsWith(".")) refuse('a component must not start with "."');
    if (part.endsWith(".lock")) refuse('a component must not end with ".lock"');
  }
  // GitLab refuses branch names that look like commit ids (they would shadow commits).
  if (/^[0-9a-f]{40}$/.test(branch)) refuse("it looks like a commit sha");
}
