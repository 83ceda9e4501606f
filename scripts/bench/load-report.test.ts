import { describe, expect, it } from "vitest";
import { kindStats, meetsTarget, runStats, sideBySide, type Sample } from "./load-report";

const matrix = (ms: number, extra: Partial<Sample> = {}): Sample => ({ kind: "matrix", ms, status: 200, ...extra });

describe("load report", () => {
  it("takes nearest-rank percentiles per kind and counts errors", () => {
    const samples = Array.from({ length: 100 }, (_, i) => matrix(i + 1));
    expect(kindStats(samples)).toEqual({ requests: 100, errors: 0, p50: 50, p95: 95, max: 100 });
    const failed = kindStats([matrix(10), matrix(20, { status: 502, error: "status 502" })]);
    expect(failed).toMatchObject({ requests: 2, errors: 1, max: 20 });
  });

  it("groups samples by kind, counts each error message, and judges the target on matrix p95 and all errors", () => {
    const fast = runStats("1 replica", 10, [matrix(100), matrix(200), { kind: "app", ms: 50, status: 200 }]);
    expect(fast.byKind.app.requests).toBe(1);
    expect(fast.byKind.promotion.requests).toBe(0);
    expect(meetsTarget(fast)).toBe(true);

    const slow = runStats("2 replicas", 10, [matrix(100), matrix(400)]);
    expect(slow.byKind.matrix.p95).toBe(400);
    expect(meetsTarget(slow)).toBe(false);

    const failing = runStats("x", 10, [matrix(10), { kind: "promotion", ms: 900, status: 409, error: "status 409" }, { kind: "promotion", ms: 5, status: 409, error: "status 409" }]);
    expect(failing.errorKinds).toEqual([["promotion: status 409", 2]]);
    expect(meetsTarget(failing)).toBe(false);
    expect(meetsTarget(runStats("empty", 10, []))).toBe(false);
  });

  it("prints one column per run", () => {
    const table = sideBySide([runStats("1 replica", 10, [matrix(120), matrix(80)]), runStats("2 replicas", 10, [matrix(500)])]);
    const rows = table.split("\n");
    expect(rows[0]).toMatch(/\|\s+\| 1 replica \| 2 replicas \|/);
    expect(rows.find((r) => r.startsWith("| matrix p95 ms"))).toMatch(/\|\s+120 \|\s+500 \|$/);
    expect(rows.find((r) => r.startsWith("| matrix req/s"))).toMatch(/\|\s+0\.2 \|\s+0\.1 \|$/);
    expect(rows.at(-1)).toMatch(/yes \|\s+NO \|$/);
    expect(table).not.toContain("server CPU");
  });

  it("prints the replicas' CPU time per request of every kind, where it was measured", () => {
    const measured = runStats("1 replica", 10, [matrix(120), matrix(80), { kind: "poll", ms: 5, status: 200 }, { kind: "app", ms: 50, status: 200 }], 6_000);
    const table = sideBySide([measured, runStats("2 replicas", 10, [matrix(500)])]).split("\n");
    expect(table.find((r) => r.startsWith("| server CPU, cores"))).toMatch(/\|\s+0\.60 \|\s+n\/a \|$/);
    expect(table.find((r) => r.startsWith("| server CPU ms per request"))).toMatch(/\|\s+1500 \|\s+n\/a \|$/);
  });
});
