import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

// Fields every log line written during one piece of work carries without each call naming them:
// the request id of an HTTP request or server action, the queue and job id of a background job.
// AsyncLocalStorage follows the work through its awaits, so a line logged deep in a sync still says
// which job it belongs to.

export type LogContext = Record<string, string | number | undefined>;

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `fields` added to the context of every line it logs (inner fields win). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** The fields of the work running now, or none outside any. */
export function logContext(): LogContext {
  return storage.getStore() ?? {};
}

// A request id from a proxy in front (X-Request-Id) is kept so its logs and ours join up; anything
// else (too long, odd characters: it ends up in log lines) is replaced by our own.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's X-Request-Id when it is a sane token, else a new random id. */
export function requestId(headers?: Pick<Headers, "get"> | null): string {
  const given = headers?.get("x-request-id")?.trim();
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}
