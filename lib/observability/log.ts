import { activeTraceIds } from "./trace";

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * One JSON object per line on stdout/stderr, the shape log collectors (Loki, Cloud Logging, Elastic)
 * parse without configuration; inside a traced operation it carries `trace_id`/`span_id`, so a log
 * line leads to its trace.
 */
export function logLine(level: LogLevel, message: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields, ...activeTraceIds() });
}

export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  const line = logLine(level, message, fields);
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}
