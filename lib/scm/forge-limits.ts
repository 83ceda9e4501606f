import { AsyncLocalStorage } from "node:async_hooks";
import { metrics } from "@/lib/metrics/registry";

// Time limits shared by the GitHub and GitLab clients: every request gets a timeout, every wait a
// forge asks for (Retry-After) is honoured up to a cap, and work that runs under a write lock can be
// told to stop (its lock is about to lapse) — then every forge request it makes, in flight or
// not yet sent, fails at once instead of writing after the lock is gone.

export interface ForgeLimits {
  /** Per request, from sending it to the response's headers. */
  timeoutMs: number;
  /** The longest Retry-After (or rate-limit reset) a retry waits for; a longer one fails the call. */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_FORGE_TIMEOUT_SECONDS = 30;
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 60;

/** FERRY_FORGE_TIMEOUT_SECONDS and FERRY_FORGE_MAX_RETRY_AFTER_SECONDS (fractions allowed; invalid values fall back to the defaults). */
export function forgeLimitsFromEnv(env: Record<string, string | undefined> = process.env): ForgeLimits {
  return {
    timeoutMs: positiveSeconds(env.FERRY_FORGE_TIMEOUT_SECONDS, DEFAULT_FORGE_TIMEOUT_SECONDS) * 1000,
    maxRetryAfterSeconds: positiveSeconds(env.FERRY_FORGE_MAX_RETRY_AFTER_SECONDS, DEFAULT_MAX_RETRY_AFTER_SECONDS),
  };
}

function positiveSeconds(raw: string | undefined, fallback: number): number {
  const value = Number(raw?.trim());
  return raw?.trim() && Number.isFinite(value) && value > 0 ? value : fallback;
}

export type ForgeName = "GitHub" | "GitLab";

/**
 * A forge request that got no answer in time. Named "AbortError" on purpose: @octokit/request passes
 * an AbortError through untouched and @octokit/plugin-retry does not resend it, so a hung call fails
 * once, in bounded time, instead of hanging again three more times.
 */
export class ForgeTimeoutError extends Error {
  override readonly name = "AbortError";
  constructor(
    readonly forge: ForgeName,
    readonly call: string,
    readonly timeoutMs: number,
  ) {
    super(`${forge} did not answer ${call} within ${formatSeconds(timeoutMs)} (FERRY_FORGE_TIMEOUT_SECONDS)`);
  }
}

/** A forge request refused because the work it belongs to was told to stop (its write lock is lapsing). */
export class ForgeWorkStoppedError extends Error {
  override readonly name = "AbortError";
  constructor(
    readonly forge: ForgeName,
    readonly call: string,
    readonly reason: string,
  ) {
    super(`${forge} call ${call} was stopped: ${reason}`);
  }
}

export function isForgeTimeout(error: unknown): error is ForgeTimeoutError {
  return error instanceof ForgeTimeoutError;
}

export function isForgeWorkStopped(error: unknown): error is ForgeWorkStoppedError {
  return error instanceof ForgeWorkStoppedError;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

// ---- stopping work ----

interface WorkGuard {
  signal: AbortSignal;
}

const guards = new AsyncLocalStorage<WorkGuard>();

/**
 * Runs `fn` so that every forge request made inside it (however deep) is aborted once `signal`
 * aborts; the signal's reason (a string or an Error's message) says why.
 */
export function runStoppable<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return guards.run({ signal }, fn);
}

/** Why the current work was stopped, or null while it may go on. */
export function workStopReason(): string | null {
  const signal = guards.getStore()?.signal;
  if (!signal?.aborted) return null;
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : typeof reason === "string" ? reason : "the work was stopped";
}

// ---- fetch ----

/** The call as messages name it: method and path (never the query, which may carry secrets on some APIs). */
export function describeCall(input: string | URL | Request, init?: RequestInit): string {
  const request = input instanceof Request ? input : null;
  const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
  const url = new URL(request ? request.url : input.toString());
  return `${method} ${decodeURIComponent(url.pathname)}`;
}

/**
 * `fetch` with the forge's time limits: a timeout per request, and an abort when the surrounding
 * work is stopped (runStoppable). Failures of either kind become ForgeTimeoutError or
 * ForgeWorkStoppedError naming the forge and the call.
 */
export function limitedFetch(forge: ForgeName, timeoutMs: number, base: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const call = describeCall(input, init);
    const guard = guards.getStore();
    if (guard?.signal.aborted) throw new ForgeWorkStoppedError(forge, call, workStopReason() ?? "stopped");
    const timeout = AbortSignal.timeout(timeoutMs);
    const own = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const signal = AbortSignal.any([timeout, ...(own ? [own] : []), ...(guard ? [guard.signal] : [])]);
    try {
      const response = await base(input, { ...init, signal });
      countForgeResponse(forge, response);
      return response;
    } catch (error) {
      if (guard?.signal.aborted) throw new ForgeWorkStoppedError(forge, call, workStopReason() ?? "stopped");
      metrics().forgeRequests.inc({ forge, status: timeout.aborted ? "timeout" : "error" });
      if (timeout.aborted) throw new ForgeTimeoutError(forge, call, timeoutMs);
      throw error;
    }
  };
}

/** Every forge answer passes here: counted by status, and the rate limit it reports kept for /metrics. */
function countForgeResponse(forge: ForgeName, response: Response): void {
  const m = metrics();
  m.forgeRequests.inc({ forge, status: String(response.status) });
  const remaining = Number(response.headers.get("x-ratelimit-remaining") ?? response.headers.get("ratelimit-remaining") ?? Number.NaN);
  if (Number.isFinite(remaining)) m.forgeRateLimitRemaining.set({ forge }, remaining);
}
