import { afterEach, describe, expect, it, vi } from "vitest";
import { errorMessage, log, logLine } from "./log";
import { logContext, requestId, withLogContext } from "./log-context";

const parse = (line: string) => JSON.parse(line) as Record<string, unknown>;

describe("logLine", () => {
  it("is one JSON object with time, level and msg first, then the call's fields", () => {
    const line = logLine("warn", "sync failed", { repository: "payments", error: "exit 128" });
    expect(line).not.toContain("\n");
    expect(Object.keys(parse(line))).toEqual(["time", "level", "msg", "repository", "error"]);
    expect(parse(line)).toMatchObject({ level: "warn", msg: "sync failed", repository: "payments", error: "exit 128" });
    expect(new Date(parse(line).time as string).toISOString()).toBe(parse(line).time);
  });

  it("carries the fields of the work it runs in, nested contexts adding to the outer one", async () => {
    const line = await withLogContext({ request_id: "req-1" }, () =>
      withLogContext({ queue: "ferry-sync-repository", job_id: "6f1c" }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return logLine("info", "synced", { repository: "payments" });
      }),
    );
    expect(parse(line)).toEqual({ time: expect.any(String), level: "info", msg: "synced", request_id: "req-1", queue: "ferry-sync-repository", job_id: "6f1c", repository: "payments" });
    expect(parse(logLine("info", "outside"))).not.toHaveProperty("request_id");
    expect(logContext()).toEqual({});
  });

  it("writes an Error as its message, with the stack only at level error", () => {
    const error = new TypeError("cannot read properties of undefined");
    expect(parse(logLine("warn", "failed", { error }))).toEqual({ time: expect.any(String), level: "warn", msg: "failed", error: "cannot read properties of undefined" });
    const logged = parse(logLine("error", "unexpected error", { error_id: "ab12cd34", error }));
    expect(logged).toMatchObject({ error_id: "ab12cd34", error: "cannot read properties of undefined" });
    expect(logged.error_stack).toMatch(/^TypeError: cannot read properties of undefined\n\s+at /);
  });

  it("leaves out undefined fields and keeps nested values as JSON", () => {
    expect(parse(logLine("info", "access changed", { user: "dana", reason: undefined, to: { role: "admin", teams: ["payments"] } }))).toEqual({
      time: expect.any(String),
      level: "info",
      msg: "access changed",
      user: "dana",
      to: { role: "admin", teams: ["payments"] },
    });
  });
});

describe("log", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes warnings and errors to stderr, the rest to stdout, one line each", () => {
    const out = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
    log("info", "tracing on");
    log("warn", "database unavailable", { error: "connection refused" });
    log("error", "could not start the sync worker");
    expect(out.mock.calls.map(([line]) => parse(line as string).msg)).toEqual(["tracing on"]);
    expect(err.mock.calls.map(([line]) => [parse(line as string).level, parse(line as string).msg])).toEqual([
      ["warn", "database unavailable"],
      ["error", "could not start the sync worker"],
    ]);
    expect([...out.mock.calls, ...err.mock.calls].every((args) => args.length === 1)).toBe(true);
  });
});

describe("requestId", () => {
  it("keeps a sane X-Request-Id from the proxy in front", () => {
    expect(requestId(new Headers({ "x-request-id": "4bf92f3577b34da6a3ce929d0e0e4736" }))).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it("replaces a missing, overlong or odd one (it ends up in log lines) by a new random id", () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(requestId(new Headers())).toMatch(uuid);
    expect(requestId(null)).toMatch(uuid);
    expect(requestId(new Headers({ "x-request-id": "a".repeat(129) }))).toMatch(uuid);
    expect(requestId(new Headers({ "x-request-id": 'id" injected' }))).toMatch(uuid);
    expect(requestId(new Headers())).not.toBe(requestId(new Headers()));
  });
});

describe("errorMessage", () => {
  it("is an Error's message, or anything else as text", () => {
    expect(errorMessage(new Error("gone"))).toBe("gone");
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage(42)).toBe("42");
  });
});
