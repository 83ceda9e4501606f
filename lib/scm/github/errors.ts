import { RequestError } from "octokit";
import { ConflictError, ForgeUnavailableError, InvalidInputError, RefNotFoundError, ScmError } from "../errors";
import { isForgeTimeout, isForgeWorkStopped } from "../forge-limits";
import { GitHubCredentialsError } from "./auth";

// GitHub's answers → Ferry's error classes. Messages name the repository and the API host (so an
// admin knows which server failed) and quote GitHub's own message; they never contain a token
// (octokit redacts the Authorization header in RequestError, and we never echo headers).

export interface ErrorContext {
  repository: string;
  /** API host, e.g. api.github.com. */
  host: string;
  /** What was being done, for the message: "read branch main", "open the pull request". */
  action: string;
  /** A 404 means this ref (branch, commit, blob) does not exist. Without it a 404 is "unavailable". */
  ref?: string;
}

export function githubMessage(error: unknown): string {
  if (error instanceof RequestError) {
    const data = error.response?.data;
    const message = typeof data === "object" && data !== null && "message" in data && typeof data.message === "string" ? data.message : error.message;
    const details = validationDetails(data);
    return details ? `${message} (${details})` : message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The `errors[].message` / `errors[].code` list GitHub sends with 422 "Validation Failed". */
function validationDetails(data: unknown): string {
  if (typeof data !== "object" || data === null || !("errors" in data) || !Array.isArray(data.errors)) return "";
  return data.errors
    .map((e: unknown) => {
      if (typeof e === "string") return e;
      if (typeof e === "object" && e !== null) {
        if ("message" in e && typeof e.message === "string") return e.message;
        if ("code" in e && typeof e.code === "string") return e.code;
      }
      return "";
    })
    .filter(Boolean)
    .join("; ");
}

/** True for a 403/429 that is about rate limits (primary or secondary). */
export function isRateLimited(error: RequestError): boolean {
  if (error.status === 429) return true;
  if (error.status !== 403) return false;
  const headers = error.response?.headers ?? {};
  return headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined || /rate limit/i.test(githubMessage(error));
}

export function toScmError(error: unknown, ctx: ErrorContext): ScmError {
  if (error instanceof ScmError) return error;
  const { repository, host, action } = ctx;
  const prefix = `GitHub (${host}) could not ${action} for "${repository}"`;
  if (error instanceof GitHubCredentialsError) return new ForgeUnavailableError(repository, `${prefix}: ${error.message}`, { cause: error });
  // A hung call, or work stopped because its write lock is lapsing: say which call, and that it may have happened.
  if (isForgeTimeout(error) || isForgeWorkStopped(error)) return new ForgeUnavailableError(repository, `${prefix}: ${error.message}.`, { cause: error });
  // @octokit/request turns a failed fetch (refused, reset, DNS) into a RequestError 500 without a response.
  if (!(error instanceof RequestError) || error.response === undefined) {
    return new ForgeUnavailableError(repository, `${prefix}: the server could not be reached (${networkReason(error)}).`, { cause: error });
  }
  const message = githubMessage(error);
  const status = error.status;
  if (status === 401) {
    return new ForgeUnavailableError(repository, `${prefix}: the credentials were rejected (${message}). Check the GitHub App installation or FERRY_GITHUB_TOKEN.`, { cause: error });
  }
  if (isRateLimited(error)) {
    const reset = error.response?.headers["x-ratelimit-reset"];
    const retryAfter = error.response?.headers["retry-after"];
    const when = retryAfter ? ` Try again in ${retryAfter} s.` : reset ? ` The limit resets at ${new Date(Number(reset) * 1000).toISOString()}.` : "";
    return new ForgeUnavailableError(repository, `${prefix}: GitHub's rate limit was reached (${message}).${when}`, { cause: error });
  }
  if (status === 403) {
    return new ForgeUnavailableError(repository, `${prefix}: access was refused (${message}). Check the app's or token's permissions on the repository.`, { cause: error });
  }
  if (status === 404 && ctx.ref !== undefined) return new RefNotFoundError(repository, ctx.ref, { cause: error });
  if (status === 404) {
    return new ForgeUnavailableError(repository, `${prefix}: not found (${message}). Does the repository exist, and can Ferry's app or token see it?`, { cause: error });
  }
  if (status === 409) return new ConflictError(repository, `${prefix}: ${message}.`, { cause: error });
  if (status === 422 || status === 400) return new InvalidInputError(repository, `${prefix}: ${message}.`, { cause: error });
  return new ForgeUnavailableError(repository, `${prefix}: ${status >= 500 ? `GitHub answered ${status}` : `HTTP ${status}`} (${message}).`, { cause: error });
}

/** "connection refused", "timed out", … from a fetch failure (its cause carries the system code). */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let cause: unknown = error.cause;
  // RequestError → TypeError("fetch failed") → the system error with its code.
  if (cause instanceof Error && cause.cause !== undefined) cause = cause.cause;
  const code = typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  return code ? `${error.message} (${code})` : error.message;
}
