import { Gitlab } from "@gitbeaker/rest";
import { describeFailure, isSafeToResend, isTransient, toScmError, type FailureContext } from "./errors";

// One gitbeaker client per configured repository, plus the retry policy gitbeaker lacks. gitbeaker
// 43 retries 429 and 502 by itself, but only within a quarter of a second and ignoring Retry-After,
// and it never retries 500/503/504 or a dropped connection. Calls go through `GitLabClient.call`,
// which waits (honouring Retry-After, capped) and tries again a few times before reporting the
// forge unavailable.

export type GitLabApi = Gitlab<false>;

export interface RetryOptions {
  /** Tries in all, the first included (default 4). */
  attempts?: number;
  /** First pause; doubled each time (default 500 ms). */
  baseDelayMs?: number;
  /** Longest pause, also the cap on a Retry-After (default 20 s). */
  maxDelayMs?: number;
}

export interface GitLabClientOptions {
  repository: string;
  /** Instance base URL; the API is `<apiBase>/api/v4`. */
  apiBase: string;
  apiHost: string;
  /** Personal, group or project access token (scope `api`); read-only use of a public project works without. */
  token?: string;
  retry?: RetryOptions;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

export class GitLabClient {
  readonly api: GitLabApi;
  readonly host: string;
  private readonly repository: string;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(opts: GitLabClientOptions) {
    this.repository = opts.repository;
    this.host = opts.apiHost;
    this.attempts = Math.max(1, opts.retry?.attempts ?? 4);
    this.baseDelayMs = Math.max(0, opts.retry?.baseDelayMs ?? 500);
    this.maxDelayMs = Math.max(this.baseDelayMs, opts.retry?.maxDelayMs ?? 20_000);
    const common = { host: opts.apiBase, queryTimeout: opts.timeoutMs ?? 30_000 };
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
        if (!retryable || attempt >= this.attempts) {
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

  private delay(attempt: number, retryAfterSeconds: number | null): number {
    const backoff = this.baseDelayMs * 2 ** (attempt - 1);
    const wanted = retryAfterSeconds !== null ? Math.max(retryAfterSeconds * 1000, backoff) : backoff;
    return Math.min(wanted, this.maxDelayMs);
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
