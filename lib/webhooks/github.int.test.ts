import { Webhooks } from "@octokit/webhooks";
import examples from "@octokit/webhooks-examples";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPrisma } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { handleGitHubWebhook, type GitHubWebhookDeps } from "./github";

// The webhook path against a real database (dedupe lives there), with GitHub's own example
// payloads from @octokit/webhooks-examples, signed the way GitHub signs them.

const SECRET = "webhook-secret-for-tests";
let db: TestDatabase;
let jobs: string[];
let failQueue: boolean;

function example(name: string, pick: (e: Record<string, unknown>) => boolean = () => true): Record<string, unknown> {
  const definition = (examples as unknown as { name: string; examples: Record<string, unknown>[] }[]).find((d) => d.name === name);
  const found = definition?.examples.find(pick);
  if (!found) throw new Error(`no ${name} example`);
  return found;
}

function deps(overrides: Partial<GitHubWebhookDeps> = {}): GitHubWebhookDeps {
  return {
    prisma: db.prisma,
    secret: SECRET,
    enqueueRepositorySync: async (repository) => {
      if (failQueue) throw new Error("queue down");
      jobs.push(`sync ${repository}`);
    },
    enqueueChangeRefresh: async (repository, number) => {
      if (failQueue) throw new Error("queue down");
      jobs.push(`refresh ${repository}#${number}`);
    },
    ...overrides,
  };
}

let deliveries = 0;
async function deliver(event: string, payload: unknown, opts: { delivery?: string; signature?: string | null; d?: GitHubWebhookDeps } = {}) {
  const body = JSON.stringify(payload);
  const headers = new Headers({ "content-type": "application/json", "x-github-event": event, "x-github-delivery": opts.delivery ?? `d-${++deliveries}-${Date.now()}` });
  const signature = opts.signature === undefined ? await new Webhooks({ secret: SECRET }).sign(body) : opts.signature;
  if (signature !== null) headers.set("x-hub-signature-256", signature);
  return handleGitHubWebhook(opts.d ?? deps(), { body, headers });
}

beforeAll(async () => {
  db = await createTestDatabase();
  const repo = await db.prisma.repository.create({ data: { name: "hello", provider: "github", url: "https://github.com/codertocat/hello-world.git", defaultBranch: "master" } });
  await db.prisma.changeRequest.create({
    data: { repositoryId: repo.id, kind: "PROMOTION", state: "OPEN", number: 7, branch: "ferry/x", baseSha: "a".repeat(40), headSha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246", title: "t", body: "b", changeSet: {} },
  });
});
afterAll(() => db.drop());
beforeEach(() => {
  jobs = [];
  failQueue = false;
});

describe("GitHub webhook", () => {
  it("refuses a forged or missing signature with 401 and queues nothing", async () => {
    const push = example("push", (e) => e.ref === "refs/heads/master");
    expect((await deliver("push", push, { signature: "sha256=" + "0".repeat(64) })).status).toBe(401);
    expect((await deliver("push", push, { signature: null })).status).toBe(401);
    expect((await deliver("push", push, { signature: "garbage" })).status).toBe(401);
    expect(jobs).toEqual([]);
    expect(await db.prisma.webhookDelivery.count()).toBe(0);
  });

  it("answers 503 when the portal has no webhook secret configured (the portal's fault, not the sender's)", async () => {
    const result = await deliver("push", example("push", (e) => e.ref === "refs/heads/master"), { d: deps({ secret: undefined }) });
    expect(result).toEqual({ status: 503, body: { error: expect.stringContaining("set FERRY_GITHUB_WEBHOOK_SECRET") } });
    expect(jobs).toEqual([]);
    expect(await db.prisma.webhookDelivery.count()).toBe(0);
  });

  it("a push to the default branch queues a sync; its replay is acknowledged as a duplicate and processed once", async () => {
    const push = example("push", (e) => e.ref === "refs/heads/master");
    const first = await deliver("push", push, { delivery: "push-1" });
    expect(first).toEqual({ status: 202, body: { accepted: true, jobs: 1 } });
    const replay = await deliver("push", push, { delivery: "push-1" });
    expect(replay).toEqual({ status: 200, body: { duplicate: true } });
    expect(jobs).toEqual(["sync hello"]);
  });

  it("a push of a tag or another branch queues nothing", async () => {
    expect((await deliver("push", example("push", (e) => e.ref === "refs/tags/simple-tag"))).status).toBe(202);
    expect(jobs).toEqual([]);
  });

  it("pull request, review and check events refresh the change request", async () => {
    await deliver("pull_request", example("pull_request", (e) => e.action === "opened"));
    await deliver("pull_request", example("pull_request", (e) => e.action === "labeled"));
    await deliver("pull_request_review", example("pull_request_review", (e) => e.action === "submitted"));
    await deliver("check_run", example("check_run", (e) => record(e.repository).html_url === "https://github.com/Codertocat/Hello-World"));
    await deliver("status", example("status"));
    expect(jobs).toEqual(["refresh hello#2", "refresh hello#2", "refresh hello#2", "refresh hello#7"]);
  });

  it("ping answers 200; an unconfigured repository is ignored", async () => {
    expect((await deliver("ping", example("ping"))).status).toBe(200);
    const other = example("check_run", (e) => record(e.repository).html_url === "https://github.com/electron/electron");
    expect(await deliver("check_run", other)).toEqual({ status: 202, body: { ignored: "repository not configured" } });
    expect(jobs).toEqual([]);
  });

  it("a queue failure answers 503 and forgets the delivery, so GitHub's redelivery is processed", async () => {
    const push = example("push", (e) => e.ref === "refs/heads/master");
    failQueue = true;
    expect((await deliver("push", push, { delivery: "push-retry" })).status).toBe(503);
    failQueue = false;
    expect((await deliver("push", push, { delivery: "push-retry" })).status).toBe(202);
    expect(jobs).toEqual(["sync hello"]);
  });

  it("a database that is down answers 503", async () => {
    const down = createPrisma("postgresql://nobody:nothing@127.0.0.1:1/none");
    try {
      const result = await deliver("push", example("push", (e) => e.ref === "refs/heads/master"), { d: deps({ prisma: down }) });
      expect(result.status).toBe(503);
    } finally {
      await down.$disconnect();
    }
  });
});

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
