import { InvalidInputError } from "../errors";

// Branch names reach GitHub's API as URL path segments and ref names: refuse what git itself would
// refuse (the rules of `git check-ref-format --branch`, checked here without a git binary, which a
// GitHub-only deployment need not have).

export function assertBranchName(repository: string, branch: string): void {
  const refuse = (why: string): never => {
    throw new InvalidInputError(repository, `Refusing branch name ${JSON.stringify(branch)}: ${why}.`);
  };
  if (branch.length === 0) refuse("it is empty");
  if (branch.length > 255) refuse("it is longer than 255 characters");
  if (branch.startsWith("-")) refuse('it must not start with "-"');
  if (branch.startsWith("refs/")) refuse('give the short name, without "refs/"');
  if (/[\0-\x20\x7f~^:?*[\\]/.test(branch)) refuse('spaces, control characters and ~ ^ : ? * [ \\ are not allowed');
  if (branch.includes("..") || branch.includes("@{") || branch === "@") refuse('".." and "@{" are not allowed');
  if (branch.endsWith("/") || branch.endsWith(".") || branch.startsWith("/") || branch.includes("//")) refuse("it has an empty segment or ends with \"/\" or \".\"");
  for (const segment of branch.split("/")) {
    if (segment.startsWith(".") || segment.endsWith(".lock")) refuse('a segment must not start with "." or end with ".lock"');
  }
}

export function assertChangeRequestNumber(repository: string, number: number): void {
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidInputError(repository, `"${number}" is not a change request number.`);
}

export function assertSafeRef(repository: string, ref: string): void {
  if (ref.length === 0) throw new InvalidInputError(repository, "A ref must not be empty.");
  if (ref.startsWith("-")) throw new InvalidInputError(repository, `Refusing ref "${ref}": a ref must not start with "-".`);
  if (/[\0-\x1f\x7f]/.test(ref)) throw new InvalidInputError(repository, `Refusing ref ${JSON.stringify(ref)}: control characters are not allowed.`);
}
