import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metrics } from "@/lib/metrics/registry";
import { connect, startTokenServer } from "./github/testing/connect";
import type { GitHubTestServer } from "./github/testing/github-test-server";

// /metrics counts every forge request by status, and keeps the rate limit the forge last reported:
// real octokit against the spec-validated GitHub test server, through the one fetch all forge calls use.

let server: GitHubTestServer;

beforeAll(async () => {
  server = await startTokenServer();
  server.git.commitFiles("main", { "a.yaml": "a: 1\n" }, "Initial import");
});
afterAll(() => server.close());

async function count(status: string): Promise<number> {
  const { values } = await metrics().forgeRequests.get();
  return values.find((v) => v.labels.forge === "GitHub" && v.labels.status === status)?.value ?? 0;
}

async function remaining(): Promise<number | undefined> {
  const { values } = await metrics().forgeRateLimitRemaining.get();
  return values.find((v) => v.labels.forge === "GitHub")?.value;
}

describe("forge request metrics", () => {
  it("counts answers by status, timeouts apart, and keeps the last rate limit GitHub reported", async () => {
    const scm = connect(server, { tuning: { timeoutMs: 300 } });
    const [ok, notFound, timeouts] = [await count("200"), await count("404"), await count("timeout")];

    await scm.readBranchTip("main");
    expect(await count("200")).toBeGreaterThan(ok);
    expect(await remaining()).toBe(4999);

    server.failNext({ operationId: "git/get-ref", status: 404, headers: { "x-ratelimit-remaining": "17" }, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } });
    await scm.readBranchTip("main").catch(() => undefined);
    expect(await count("404")).toBe(notFound + 1);
    expect(await remaining()).toBe(17);

    server.failNext({ operationId: "git/get-ref", hang: "request" });
    await scm.readBranchTip("main").catch(() => undefined);
    expect(await count("timeout")).toBe(timeouts + 1);
    expect(server.violations.splice(0)).toEqual([]);
  });
});
