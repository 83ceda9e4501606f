import { InvalidInputError } from "../errors";

// Refs and paths come from users and from repository content. Even with execFile (no shell), an
// argument starting with "-" would be read by git as an option (e.g. `--output=/etc/x`), so refuse it.

export function assertSafeRef(repository: string, ref: string): void {
  if (ref.length === 0) throw new InvalidInputError(repository, "A ref must not be empty.");
  if (ref.startsWith("-")) throw new InvalidInputError(repository, `Refusing ref "${ref}": a ref must not start with "-".`);
  if (/[\0\n\r]/.test(ref)) throw new InvalidInputError(repository, `Refusing ref ${JSON.stringify(ref)}: control characters are not allowed.`);
}

export function assertSafePath(repository: string, path: string): void {
  if (path.startsWith("-")) throw new InvalidInputError(repository, `Refusing path "${path}": a path must not start with "-".`);
  if (/[\0\n\r]/.test(path)) throw new InvalidInputError(repository, `Refusing path ${JSON.stringify(path)}: control characters are not allowed.`);
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isObjectId(sha: string): boolean {
  return OBJECT_ID.test(sha);
}

export function assertObjectId(repository: string, sha: string): void {
  if (!OBJECT_ID.test(sha)) throw new InvalidInputError(repository, `"${sha}" is not a full git object id.`);
}

/** "apps/x/", "./apps/x" → "apps/x"; "", ".", "/" → "" (the repository root). */
export function normalizeRepoPath(path: string): string {
  let p = path.replace(/\/+$/, "");
  while (p.startsWith("./")) p = p.slice(2);
  p = p.replace(/^\/+/, "");
  return p === "." ? "" : p;
}
