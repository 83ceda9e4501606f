// Small statistics and reporting helpers. Percentiles use nearest-rank: with 20 samples p95 is the
// 19th value, which is what a person reading "p95 of 20 requests" expects.
import { readFileSync } from "node:fs";
import os from "node:os";

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    min: values.length ? Math.min(...values) : Number.NaN,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export const ms = (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : "n/a");

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

export function log(line: string): void {
  const stamp = new Date().toISOString().slice(11, 19);
  console.log(`[bench ${stamp}] ${line}`);
}

/** One line of the final table; `ok` null when the metric has no target (informational). */
export interface Metric {
  key: string;
  label: string;
  value: number;
  unit: "ms" | "KB" | "x" | "count";
  target: string;
  ok: boolean | null;
}

export class Report {
  readonly metrics: Metric[] = [];
  readonly notes: string[] = [];

  add(key: string, label: string, value: number, unit: Metric["unit"], target?: { max?: number; min?: number }): void {
    const ok = target ? (target.max === undefined || value < target.max) && (target.min === undefined || value >= target.min) : null;
    const text = target ? [target.max !== undefined ? `< ${target.max}` : "", target.min !== undefined ? `≥ ${target.min}` : ""].filter(Boolean).join(", ") + ` ${unit}` : "—";
    this.metrics.push({ key, label, value, unit, target: text, ok });
  }

  note(line: string): void {
    this.notes.push(line);
    log(`note: ${line}`);
  }

  table(): string {
    const rows = this.metrics.map((m) => [m.label, format(m), m.target, m.ok === null ? "" : m.ok ? "yes" : "NO"]);
    const header = ["metric", "value", "target", "ok"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
    return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
  }

  json(extra: Record<string, unknown>): string {
    const values = Object.fromEntries(this.metrics.map((m) => [m.key, Math.round(m.value * 10) / 10]));
    const failed = this.metrics.filter((m) => m.ok === false).map((m) => m.key);
    return `BENCH_JSON ${JSON.stringify({ ...extra, values, failed })}`;
  }
}

function format(m: Metric): string {
  if (m.unit === "ms") return ms(m.value);
  if (m.unit === "KB") return `${m.value.toFixed(1)} KB`;
  if (m.unit === "x") return `${m.value.toFixed(1)}×`;
  return String(Math.round(m.value));
}

/**
 * CPU time of a process so far (user + system, and of the children it waited for: git), in ms, from
 * /proc (Linux); null where there is none. The server is the process group's leader (`next start`).
 */
export function processCpuMs(pid: number): number | null {
  try {
    // Fields after the parenthesised name: utime, stime, cutime, cstime are fields 14-17 of the line.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return Number.isFinite(ticks) ? (ticks * 1_000) / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}
// USER_HZ: 100 on every Linux architecture Node runs on.
const CLOCK_TICKS = 100;
