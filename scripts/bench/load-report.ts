// What the load script records and prints: one sample per request, grouped by kind, and a table
// with one column per run (1 replica, 2 replicas) so the two read side by side.
import { percentile } from "./measure";

/**
 * matrix: page 1 and filtered matrix pages a person opens; poll: the open page's stamp poll; refresh:
 * the open page fetched again because its stamp moved (router.refresh(), nobody waits on it).
 */
export type RequestKind = "matrix" | "app" | "poll" | "refresh" | "promotion";

export interface Sample {
  kind: RequestKind;
  /** To the last byte of the body. */
  ms: number;
  /** HTTP status; 0 when the request failed without one (refused, reset, timed out). */
  status: number;
  /** Why the answer does not count as a success (wrong status, page without its marker, network error); absent when it does. */
  error?: string;
}

export interface KindStats {
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  max: number;
}

export interface RunStats {
  label: string;
  durationS: number;
  byKind: Record<RequestKind, KindStats>;
  /** Distinct error messages with their counts, most frequent first. */
  errorKinds: [string, number][];
  /**
   * CPU time the replicas' processes used during the run (user + system, with the git processes they
   * waited for), in ms: unlike latencies it does not grow when others load the machine.
   */
  serverCpuMs?: number;
}

export const KINDS: readonly RequestKind[] = ["matrix", "app", "poll", "refresh", "promotion"];

export function kindStats(samples: readonly Sample[]): KindStats {
  const ms = samples.map((s) => s.ms);
  return {
    requests: samples.length,
    errors: samples.filter((s) => s.error !== undefined).length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    max: ms.length ? Math.max(...ms) : Number.NaN,
  };
}

export function runStats(label: string, durationS: number, samples: readonly Sample[], serverCpuMs?: number): RunStats {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, kindStats(samples.filter((s) => s.kind === k))])) as Record<RequestKind, KindStats>;
  const counts = new Map<string, number>();
  for (const s of samples) if (s.error !== undefined) counts.set(`${s.kind}: ${s.error}`, (counts.get(`${s.kind}: ${s.error}`) ?? 0) + 1);
  return { label, durationS, byKind, errorKinds: [...counts].sort((a, b) => b[1] - a[1]), ...(serverCpuMs === undefined ? {} : { serverCpuMs }) };
}

/** The target of issue #13: matrix p95 under 300 ms and not one error, of any kind. */
export function meetsTarget(run: RunStats, p95MaxMs = 300): boolean {
  const anyError = KINDS.some((k) => run.byKind[k].errors > 0);
  return run.byKind.matrix.requests > 0 && run.byKind.matrix.p95 < p95MaxMs && !anyError;
}

const fmt = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : "n/a");

/** Rows are metrics, columns are runs. */
export function sideBySide(runs: readonly RunStats[]): string {
  const rows: string[][] = [];
  for (const kind of KINDS) {
    rows.push([`${kind} requests`, ...runs.map((r) => String(r.byKind[kind].requests))]);
    rows.push([`${kind} req/s`, ...runs.map((r) => (r.byKind[kind].requests / r.durationS).toFixed(1))]);
    for (const stat of ["p50", "p95", "max"] as const) rows.push([`${kind} ${stat} ms`, ...runs.map((r) => fmt(r.byKind[kind][stat]))]);
    rows.push([`${kind} errors`, ...runs.map((r) => String(r.byKind[kind].errors))]);
  }
  if (runs.some((r) => r.serverCpuMs !== undefined)) {
    const requests = (r: RunStats) => KINDS.reduce((n, k) => n + r.byKind[k].requests, 0);
    rows.push(["server CPU, cores", ...runs.map((r) => (r.serverCpuMs === undefined ? "n/a" : (r.serverCpuMs / 1_000 / r.durationS).toFixed(2)))]);
    rows.push(["server CPU ms per request", ...runs.map((r) => (r.serverCpuMs === undefined ? "n/a" : fmt(r.serverCpuMs / requests(r))))]);
  }
  rows.push(["matrix p95 < 300 ms, no error", ...runs.map((r) => (meetsTarget(r) ? "yes" : "NO"))]);
  const header = ["", ...runs.map((r) => r.label)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
