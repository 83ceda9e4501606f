import { Octokit } from "octokit";
import { forgeLimitsFromEnv, limitedFetch } from "../forge-limits";

// One configured Octokit per repository client. octokit's Octokit already carries
// @octokit/plugin-throttling (queues writes one per second, as GitHub asks of integrations, and
// retries rate-limited requests) and @octokit/plugin-retry (retries 5xx and network errors with
// backoff). Both are configured here so their waits honour `retry-after` but stay bounded, and so
// tests can shrink every wait without changing what is retried.

export interface GitHubClientTuning {
  /** Milliseconds per "second" of every wait (retry backoff, retry-after, rate-limit reset). 1000 in production. */
  msPerSecond?: number;
  /** Retries of 5xx and network failures (plugin-retry). Default 3. */
  retries?: number;
  /** Retries after a rate-limit answer (403/429 with retry-after or x-ratelimit-remaining: 0). Default 2. */
  rateLimitRetries?: number;
  /**
   * A rate limit that resets later than this (Retry-After or x-ratelimit-reset) is not waited for:
   * the call fails with a clear message. Default FERRY_FORGE_MAX_RETRY_AFTER_SECONDS (60).
   */
  maxRateLimitWaitSeconds?: number;
  /**
   * Per request; a call without an answer by then fails with ForgeTimeoutError and is not resent.
   * Default FERRY_FORGE_TIMEOUT_SECONDS (30).
   */
  timeoutMs?: number;
  /**
   * Keep plugin-throttling's pacing of writes (one per second, one notifying write per three
   * seconds, process-wide). Default true; tests turn it off to stay fast.
   */
  paceWrites?: boolean;
  /** fetch to use (tests may wrap it to count requests). */
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface CreateOctokitOptions extends GitHubClientTuning {
  baseUrl: string;
  /** Extra Octokit options (e.g. the App auth strategy). */
  auth?: Record<string, unknown>;
  /** Called when a rate limit is hit, for logs; never given a token. */
  onRateLimited?: (info: { kind: "primary" | "secondary"; retryAfterSeconds: number; method: string; url: string; willRetry: boolean }) => void;
}

/** Statuses plugin-retry must not repeat: client errors, conflicts (a merge conflict stays one) and 429 (throttling owns it). */
const DO_NOT_RETRY = [400, 401, 403, 404, 405, 409, 410, 422, 429, 451];

interface LimitOptions {
  method: string;
  url: string;
}

/** A pass-through limiter with Bottleneck.Group's shape, used when write pacing is off. */
const UNPACED = {
  key: () => ({ schedule: <A extends unknown[], R>(_options: unknown, fn: (...args: A) => R, ...args: A): R => fn(...args) }),
};

export function createOctokit(options: CreateOctokitOptions): Octokit {
  return new Octokit(octokitOptions(options));
}

/** An Octokit class with these defaults, for octokit's `App` (which builds its own instances). */
export function octokitClass(options: CreateOctokitOptions): typeof Octokit {
  return Octokit.defaults(octokitOptions(options));
}

function octokitOptions(options: CreateOctokitOptions) {
  const msPerSecond = options.msPerSecond ?? 1000;
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const limits = forgeLimitsFromEnv();
  const maxWait = options.maxRateLimitWaitSeconds ?? limits.maxRetryAfterSeconds;
  const decide = (kind: "primary" | "secondary") => (retryAfter: number, limit: LimitOptions, _octokit: unknown, retryCount: number) => {
    const willRetry = retryCount < rateLimitRetries && retryAfter <= maxWait;
    options.onRateLimited?.({ kind, retryAfterSeconds: retryAfter, method: limit.method, url: limit.url, willRetry });
    return willRetry;
  };
  const paced = options.paceWrites ?? true;
  return {
    baseUrl: options.baseUrl,
    userAgent: options.userAgent ?? "ferry-gitops-portal",
    // Octokit's default logger prints request warnings to the console; Ferry reports through errors.
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    // Every request has a timeout (and stops when the work it serves is stopped, see forge-limits.ts).
    request: { fetch: limitedFetch("GitHub", options.timeoutMs ?? limits.timeoutMs, options.fetch) },
    retry: { retries: options.retries ?? 3, doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: msPerSecond },
    throttle: {
      id: "ferry",
      retryAfterBaseValue: msPerSecond,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: decide("primary"),
      onSecondaryRateLimit: decide("secondary"),
      ...(paced ? {} : { write: UNPACED, notifications: UNPACED }),
    },
    ...options.auth,
  };
}

export type { Octokit };
