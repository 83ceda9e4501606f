import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from "@gitbeaker/rest";
import { ConflictError, ForgeUnavailableError, InvalidInputError, RefNotFoundError, ScmError, StaleBaseError } from "../errors";
import { isForgeTimeout, isForgeWorkStopped } from "../forge-limits";

// What went wrong with one GitLab call, read from gitbeaker's error, and the ScmError a caller can act
// on. Messages name the GitLab host and quote GitLab's own message; they never contain the token
// (gitbeaker sends it in a header, and its errors carry GitLab's body, not the request headers).

export interface GitLabFailure {
  /** HTTP status, or null when no response came back (network, timeout, gitbeaker gave up retrying). */
  status: number | null;
  /** GitLab's `message`/`error` (an array of validation messages is joined), or the transport error. */
  message: string;
  /** Seconds from a `Retry-After` header, when the response had one. */
  retryAfterSeconds: number | null;
  /** No answer within the timeout, or the work was stopped: never sent again (a hung GitLab fails in one timeout). */
  final?: "timeout" | "stopped";
}

/** Reads any error thrown by a gitbeaker call (or by fetch underneath it). */
export function describeFailure(error: unknown): GitLabFailure {
  if (isForgeTimeout(error)) return { status: null, message: error.message, retryAfterSeconds: null, final: "timeout" };
  if (isForgeWorkStopped(error)) return { status: null, message: error.message, retryAfterSeconds: null, final: "stopped" };
  if (error instanceof GitbeakerRequestError) {
    const cause = error.cause as { description?: unknown; response?: unknown } | undefined;
    const response = cause?.response instanceof Response ? cause.response : null;
    const description = typeof cause?.description === "string" ? cause.description : error.message;
    return {
      status: response?.status ?? null,
      message: readableMessage(description),
      retryAfterSeconds: response ? parseRetryAfter(response.headers.get("retry-after")) : null,
    };
  }
  // gitbeaker retries 429 and 502 itself (ten times within a quarter second) and then gives up with this.
  if (error instanceof GitbeakerRetryError) return { status: /status code: 429/.test(error.message) ? 429 : 502, message: error.message, retryAfterSeconds: null };
  if (error instanceof GitbeakerTimeoutError) return { status: null, message: "the request timed out", retryAfterSeconds: null };
  return { status: null, message: transportMessage(error), retryAfterSeconds: null };
}

/** Transient: worth another try after a pause (rate limit, GitLab restarting, the network). */
export function isTransient(failure: GitLabFailure): boolean {
  if (failure.final) return false;
  return failure.status === null || failure.status === 429 || failure.status >= 500;
}

/**
 * Whether a write may be sent again: only when GitLab certainly did not act on it (refused at the
 * door, or never reached). A 500 or 504 after a commit may mean the commit exists.
 */
export function isSafeToResend(failure: GitLabFailure): boolean {
  if (failure.final) return false;
  if (failure.status === null) return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(failure.message);
  return failure.status === 429 || failure.status === 502 || failure.status === 503;
}

/** GitLab's answer when a ref moved under a write (Gitaly's compare-and-swap lost a race). */
export const RACE_MESSAGE = /incorrect old value provided|reference does not point to expected object|could not update .*please refresh|non-fast-forward|cannot lock ref|failed to update ref/i;

/** GitLab's answer to a commit action on a path in the wrong state (create on existing, update on missing). */
export const FILE_STATE_MESSAGE = /A file with this name (already exists|doesn't exist|does not exist)|A directory with this name already exists/i;

/** GitLab's answer when a merge request for the same source and target branch is open. */
export const DUPLICATE_MR_MESSAGE = /Another open merge request already exists for this source branch(?::\s*!(\d+))?/i;

export interface FailureContext {
  repository: string;
  /** Host of the GitLab instance, for messages. */
  host: string;
  /** What was being done, e.g. `read branch "main"`. */
  action: string;
  /** The ref, sha or path a 404 is about; a 404 without one is about the project. */
  ref?: string;
  /** Writes: a 403 is a refusal (protected branch), not an outage. */
  write?: boolean;
}

/** The ScmError for a failed call when no more specific meaning applies. */
export function toScmError(error: unknown, ctx: FailureContext): ScmError {
  if (error instanceof ScmError) return error;
  const failure = describeFailure(error);
  const { repository, host, action } = ctx;
  const quoted = failure.message ? `: ${failure.message}` : "";
  switch (true) {
    case failure.final === "timeout":
      return new ForgeUnavailableError(repository, `GitLab at ${host} did not answer in time to ${action}: ${failure.message}.`, { cause: error });
    case failure.final === "stopped":
      return new ForgeUnavailableError(repository, `GitLab at ${host}: ${action} was not completed: ${failure.message}.`, { cause: error });
    case failure.status === null:
      return new ForgeUnavailableError(repository, `GitLab at ${host} could not be reached to ${action} (${failure.message}).`, { cause: error });
    case failure.status === 401:
      return new ForgeUnavailableError(repository, `GitLab at ${host} refused the credentials (401) to ${action}: check FERRY_GITLAB_TOKEN (scope "api").`, { cause: error });
    case failure.status === 403 && ctx.write:
      return new ConflictError(repository, `GitLab at ${host} refused to ${action} (403)${quoted}.`, { cause: error });
    case failure.status === 403:
      return new ForgeUnavailableError(repository, `GitLab at ${host} denied access (403) to ${action}${quoted}: check the token's scope and project membership.`, { cause: error });
    case failure.status === 404 && ctx.ref !== undefined && !/project not found/i.test(failure.message):
      return new RefNotFoundError(repository, ctx.ref ?? "", { cause: error });
    case failure.status === 404:
      return new ForgeUnavailableError(repository, `GitLab at ${host} has no project for "${repository}", or the token cannot see it (404) — while trying to ${action}.`, { cause: error });
    case failure.status === 429:
      return new ForgeUnavailableError(
        repository,
        `GitLab at ${host} is rate limiting requests (429) to ${action}; ${failure.retryAfterSeconds !== null ? `it asks to wait ${Math.ceil(failure.retryAfterSeconds)} s` : "try again later"}.`,
        { cause: error },
      );
    case (failure.status ?? 0) >= 500:
      return new ForgeUnavailableError(repository, `GitLab at ${host} is unavailable (${failure.status}) to ${action}${quoted}.`, { cause: error });
    case RACE_MESSAGE.test(failure.message):
      return new StaleBaseError(repository, ctx.ref ?? "(unknown)", ctx.ref ?? "", null, { cause: error });
    case failure.status === 409 || failure.status === 405 || failure.status === 406 || failure.status === 422:
      return new ConflictError(repository, `GitLab at ${host} refused to ${action} (${failure.status})${quoted}.`, { cause: error });
    default:
      return new InvalidInputError(repository, `GitLab at ${host} rejected the request to ${action} (${failure.status})${quoted}.`, { cause: error });
  }
}

/** Seconds to wait from a Retry-After value (delta seconds or an HTTP date). */
export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

/** GitLab answers `{"message": "..."}`, `{"message": ["..."]}` or `{"message": {"field": ["..."]}}`. */
function readableMessage(description: string): string {
  const text = description.trim();
  if (!text.startsWith("[") && !text.startsWith("{")) return text.slice(0, 500);
  try {
    return flatten(JSON.parse(text)).join("; ").slice(0, 500);
  } catch {
    return text.slice(0, 500);
  }
}

function flatten(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, v]) => flatten(v).map((m) => `${key} ${m}`));
  return value === undefined || value === null ? [] : [String(value)];
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, a TLS problem). */
function transportMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === "string" ? cause.code : null;
  const detail = typeof cause?.message === "string" ? cause.message : null;
  return [error.message, code ?? detail].filter(Boolean).join(": ");
}
