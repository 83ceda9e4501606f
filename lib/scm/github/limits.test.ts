import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ForgeUnavailableError } from "../errors";
import { runStoppable } from "../forge-limits";
import { connect, startTokenServer } from "./testing/connect";
import type { GitHubTestServer } from "./testing/github-test-server";

// Time limits of the GitHub client (real octokit against the spec-validated test server): a hung
// call fails in one timeout naming GitHub and the call; a rate limit's Retry-After is waited for
// (plugin-throttling), up to a cap; work told to stop makes no further request.

let server: GitHubTestServer;

beforeAll(async () => {
  server = await startTokenServer();
  server.git.commitFiles("main", { "a.yaml": "a: 1\n" }, "Initial import");
});
afterAll(() => server.close());
afterEach(() => {
  expect(server.violations.splice(0)).toEqual([]);
});

const refReads = (from: number) => server.count((r) => r.operationId === "git/get-ref", from);

describe("GitHub time limits", () => {
  it("a hung call fails in one timeout with a message naming GitHub and the call, and is not sent again", async () => {
    const scm = connect(server, { tuning: { timeoutMs: 300 } });
    server.failNext({ operationId: "git/get-ref", hang: "request", times: 2 });
    const from = server.requests.length;
    const started = Date.now();
    const error = await scm.readBranchTip("main").catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(refReads(from)).toBe(1);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/^GitHub \(127\.0\.0\.1:\d+\) could not .* for "gitops": GitHub did not answer GET \/api\/v3\/repos\/acme\/gitops\/git\/ref\/heads\/main within 0\.3 s/);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(3000);
    // The second hang (which a resend would have met) is still waiting: take it, so later tests start clean.
    await scm.readBranchTip("main").catch(() => undefined);
  });

  it("the timeout comes from FERRY_FORGE_TIMEOUT_SECONDS", async () => {
    const saved = process.env.FERRY_FORGE_TIMEOUT_SECONDS;
    process.env.FERRY_FORGE_TIMEOUT_SECONDS = "0.2";
    try {
      const scm = connect(server);
      server.failNext({ operationId: "git/get-ref", hang: "request" });
      await expect(scm.readBranchTip("main")).rejects.toThrow(/within 0\.2 s/);
    } finally {
      if (saved === undefined) delete process.env.FERRY_FORGE_TIMEOUT_SECONDS;
      else process.env.FERRY_FORGE_TIMEOUT_SECONDS = saved;
    }
  });

  it("a 429 with Retry-After: 1 is sent again once, a second later", async () => {
    const scm = connect(server, { tuning: { msPerSecond: 1000 } });
    server.failNext({ operationId: "git/get-ref", status: 429, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit", documentation_url: "https://docs.github.com/rest" } });
    const from = server.requests.length;
    const started = Date.now();
    expect(await scm.readBranchTip("main")).toBe(server.git.refs.get("refs/heads/main"));
    expect(refReads(from)).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("a Retry-After beyond the cap is not waited for: one request, and the message says how long", async () => {
    const scm = connect(server, { tuning: { msPerSecond: 1000, maxRateLimitWaitSeconds: 60 } });
    server.failNext({ operationId: "git/get-ref", status: 429, headers: { "retry-after": "3600" }, body: { message: "You have exceeded a secondary rate limit", documentation_url: "https://docs.github.com/rest" } });
    const from = server.requests.length;
    const started = Date.now();
    await expect(scm.readBranchTip("main")).rejects.toThrow(/rate limit was reached .* Try again in 3600 s/);
    expect(refReads(from)).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("work that was told to stop sends nothing more", async () => {
    const scm = connect(server);
    const stop = new AbortController();
    stop.abort("the write lock of this promotion is lapsing");
    const from = server.requests.length;
    const error = await runStoppable(stop.signal, () => scm.readBranchTip("main")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/GitHub call GET \/api\/v3\/repos\/acme\/gitops\/git\/ref\/heads\/main was stopped: the write lock of this promotion is lapsing/);
    expect(server.requests.length).toBe(from);
  });
});
