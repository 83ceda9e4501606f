import { Gitlab } from "@gitbeaker/rest";
import { forgeLimitsFromEnv } from "../forge-limits";
import { describeFailure, isSafeToResend, isTransient, toScmError, type FailureContext } from "./errors";
import { gitlabRequester } from "./requester";

// One gitbeaker client per configured repository, plus the retry policy gitbeaker lacks. gitbeaker's
// own handler resends 429 and 502 ten times within a quarter of a second, ignoring Retry-After, and
// never retries 500/503/504 or a dropped connection: it is replaced by a one-attempt requester
// (./requester.ts) with Ferry's per-request timeout, and calls go through `GitLabClient.call`, which
// waits (exactly as long as a Retry-After asks, up to FERRY_FORGE_MAX_RETRY_AFTER_SECONDS; longer
// fails at once) and tries again a few times before reporting the forge unavailable. A call that
// timed out is not resent: a hung GitLab fails in about one timeout.

export type GitLabApi = Gitlab<false>;

export interface RetryOptions {
  /** Tries in all, the first included (default 4). */
  attempts?: number;
  /** First pause without a Retry-After; doubled each time (default 500 ms). */
  baseDelayMs?: number;
  /** Longest pause without a Retry-After (default 20 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails (default FERRY_FORGE_MAX_RETRY_AFTER_SECONDS, 60). */
  maxRetryAfterSeconds?: number;
  /** Milliseconds per second of a Retry-After (1000; tests shrink it to stay fast). */
  msPerSecond?: number;
}

export interface GitLabClientOptions {
  repository: string;
  /** Instance base URL; the API is `<apiBase>/api/v4`. */
  apiBase: string;
  apiHost: string;
  /** Personal, group or project access token (scope `api`); read-only use of a public project works without. */
  token?: string;
  retry?: RetryOptions;
  /** Per request (default FERRY_FORGE_TIMEOUT_SECONDS, 30 s). */
  timeoutMs?: number;
}

export class GitLabClient {
  readonly api: GitLabApi;
  readonly host: string;
  private readonly repository: string;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly msPerSecond: number;

  constructor(opts: GitLabClientOptions) {
    const limits = forgeLimitsFromEnv();
    this.repository = opts.repository;
    this.host = opts.apiHost;
    this.attempts = Math.max(1, opts.retry?.attempts ?? 4);
    this.baseDelayMs = Math.max(0, opts.retry?.baseDelayMs ?? 500);
    this.maxDelayMs = Math.max(this.baseDelayMs, opts.retry?.maxDelayMs ?? 20_000);
    this.maxRetryAfterSeconds = opts.retry?.maxRetryAfterSeconds ?? limits.maxRetryAfterSeconds;
    this.msPerSecond = opts.retry?.msPerSecond ?? 1000;
    // queryTimeout null: the requester's own timeout (limitedFetch) names the forge and the call.
    const common = { host: opts.apiBase, queryTimeout: null, requesterFn: gitlabRequester(opts.timeoutMs ?? limits.timeoutMs) };
    this.api = opts.token ? new Gitlab({ ...common, token: opts.token }) : new Gitlab(common);
  }

  /**
   * Runs one API call with retries. Reads are retried on any transient failure; writes only when
   * GitLab certainly did not act on them (429, 502, 503, connection refused), so a retry never
   * commits twice. Failures become ScmErrors unless `raw` is set (the caller interprets them).
   */
  async call<T>(ctx: Omit<FailureContext, "repository" | "host">, fn: (api: GitLabApi) => Promise<T>, opts: { raw?: boolean } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(this.api);
      } catch (error) {
        const failure = describeFailure(error);
        const retryable = ctx.write ? isSafeToResend(failure) : isTransient(failure);
        // A wait longer than the cap is not shortened (that would ignore it): the call fails and says how long.
        const tooLong = failure.retryAfterSeconds !== null && failure.retryAfterSeconds > this.maxRetryAfterSeconds;
        if (!retryable || tooLong || attempt >= this.attempts) {
          if (opts.raw) throw error;
          throw toScmError(error, { ...ctx, repository: this.repository, host: this.host });
        }
        await sleep(this.delay(attempt, failure.retryAfterSeconds));
      }
    }
  }

  /** The ScmError for a failure the caller did not interpret itself. */
  fail(error: unknown, ctx: Omit<FailureContext, "repository" | "host">) {
    return toScmError(error, { ...ctx, repository: this.repository, host: this.host });
  }

  /** Exactly the Retry-After when GitLab sent one (already checked against the cap), else exponential backoff. */
  private delay(attempt: number, retryAfterSeconds: number | null): number {
    if (retryAfterSeconds !== null) return retryAfterSeconds * this.msPerSecond;
    return Math.min(this.baseDelayMs * 2 ** (attempt - 1), this.maxDelayMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failed = true; // stop starting new work; the first failure is reported
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
