import { logContext } from "./log-context";
import { activeTraceIds } from "./trace";

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * One JSON object per line on stdout/stderr, the shape log collectors (Loki, Cloud Logging, Elastic)
 * parse without configuration: `time`, `level`, `msg`, then the fields of the work it belongs to
 * (`request_id`, `queue`, `job_id`: see log-context.ts), the call's own fields (`repository`…), and
 * inside a traced operation `trace_id`/`span_id`, so a log line leads to its trace.
 */
export function logLine(level: LogLevel, message: string, fields: Record<string, unknown> = {}): string {
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value instanceof Error) Object.assign(own, errorFields(value, key, level === "error"));
    else own[key] = value;
  }
  return JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...logContext(), ...own, ...activeTraceIds() });
}

/** An Error as fields: JSON.stringify would write `{}`. The stack only at level error, where a bug is suspected. */
function errorFields(error: Error, key: string, withStack: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = { [key]: error.message };
  if (withStack && error.stack) fields[`${key}_stack`] = error.stack;
  return fields;
}

/** Errors are caught as `unknown`: the message of an Error, else the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  const line = logLine(level, message, fields);
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}
