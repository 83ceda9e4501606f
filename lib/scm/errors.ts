// Errors every SCM provider throws, so callers (sync, promotion, UI) can react without knowing the
// forge: a missing ref is a user problem, a stale base means "re-plan", an unavailable forge means
// "show a sync error and retry later". Messages are written for the person reading the portal.

export type ScmErrorCode = "ref-not-found" | "stale-base" | "conflict" | "forge-unavailable" | "invalid-input";

export abstract class ScmError extends Error {
  abstract readonly code: ScmErrorCode;
  /** Name of the configured repository the error is about. */
  readonly repository: string;

  constructor(repository: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.repository = repository;
  }
}

/** A branch, tag, commit or blob does not exist (or is not reachable) in the repository. */
export class RefNotFoundError extends ScmError {
  readonly code = "ref-not-found" as const;
  override readonly name = "RefNotFoundError";
  readonly ref: string;

  /** `message` replaces the default wording, e.g. for a missing change request. */
  constructor(repository: string, ref: string, options?: { cause?: unknown; message?: string }) {
    super(repository, options?.message ?? `Repository "${repository}" has no branch, tag or commit "${ref}".`, options);
    this.ref = ref;
  }
}

/**
 * The branch moved since the change was planned: the change was computed against `expectedSha`
 * but the branch is now at `actualSha`. Re-plan on the new base instead of overwriting.
 */
export class StaleBaseError extends ScmError {
  readonly code = "stale-base" as const;
  override readonly name = "StaleBaseError";
  readonly branch: string;
  readonly expectedSha: string;
  readonly actualSha: string | null;

  constructor(repository: string, branch: string, expectedSha: string, actualSha: string | null, options?: { cause?: unknown }) {
    super(
      repository,
      `Branch "${branch}" of "${repository}" moved from ${short(expectedSha)} to ${actualSha ? short(actualSha) : "(deleted)"} ` +
        "since this change was planned. Reload and plan the change again.",
      options,
    );
    this.branch = branch;
    this.expectedSha = expectedSha;
    this.actualSha = actualSha;
  }
}

/**
 * The operation conflicts with the repository's current state: a branch already exists with other
 * content, a change request cannot be merged cleanly, a file was changed by someone else.
 */
export class ConflictError extends ScmError {
  readonly code = "conflict" as const;
  override readonly name = "ConflictError";

  constructor(repository: string, message: string, options?: { cause?: unknown }) {
    super(repository, message, options);
  }
}

/**
 * The forge or repository cannot be reached or read: network down, credentials rejected, rate limit,
 * the local directory was deleted or is not a git repository. Usually transient; shown as a sync error.
 */
export class ForgeUnavailableError extends ScmError {
  readonly code = "forge-unavailable" as const;
  override readonly name = "ForgeUnavailableError";

  constructor(repository: string, message: string, options?: { cause?: unknown }) {
    super(repository, message, options);
  }
}

/** An argument was refused before reaching the forge (e.g. a ref or path that starts with "-"). */
export class InvalidInputError extends ScmError {
  readonly code = "invalid-input" as const;
  override readonly name = "InvalidInputError";

  constructor(repository: string, message: string, options?: { cause?: unknown }) {
    super(repository, message, options);
  }
}

export function isScmError(error: unknown): error is ScmError {
  return error instanceof ScmError;
}

function short(sha: string): string {
  return /^[0-9a-f]{40,64}$/.test(sha) ? sha.slice(0, 8) : sha;
}
