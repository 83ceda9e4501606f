import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPrisma } from "@/lib/db/client";
import { findFreePort } from "@/lib/db/free-port";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { handleGitLabWebhook, type GitLabWebhookDeps } from "./gitlab";
import { mergeRequestPayload, pipelinePayload, pushPayload } from "./gitlab-test-payloads";

// The webhook handler against a real (migrated) database: token check, dedupe through
// WebhookDelivery, mapping to configured repositories, and the jobs it queues (recorded here).

const SECRET = "whsec-gitlab-0123456789";
const project = { id: 15, path: "acme/platform/gitops", webUrl: "https://gitlab.example.com/acme/platform/gitops" };

let db: TestDatabase;
let syncs: string[];
let refreshes: [string, number][];
let failEnqueue: boolean;

function deps(overrides: Partial<GitLabWebhookDeps> = {}): GitLabWebhookDeps {
  return {
    prisma: db.prisma,
    secret: SECRET,
    enqueueRepositorySync: async (name) => {
      if (failEnqueue) throw new Error("queue down");
      syncs.push(name);
    },
    enqueueChangeRefresh: async (name, number) => {
      if (failEnqueue) throw new Error("queue down");
      refreshes.push([name, number]);
    },
    ...overrides,
  };
}

function delivery(event: string, payload: unknown, headers: Record<string, string> = {}) {
  return {
    headers: new Headers({ "content-type": "application/json", "x-gitlab-event": event, "x-gitlab-token": SECRET, "x-gitlab-event-uuid": randomUUID(), ...headers }),
    body: JSON.stringify(payload),
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.repository.createMany({
    data: [
      { name: "gitops", provider: "gitlab", url: project.webUrl, defaultBranch: "main" },
      { name: "local", provider: "git", url: "/srv/gitops", defaultBranch: "main" },
    ],
  });
});

afterAll(async () => {
  await db?.drop();
});

beforeEach(() => {
  syncs = [];
  refreshes = [];
  failEnqueue = false;
});

describe("GitLab webhook", () => {
  it("refuses a forged or missing token with 401 and does nothing", async () => {
    const forged = await handleGitLabWebhook(delivery("Push Hook", pushPayload(project, "refs/heads/main"), { "x-gitlab-token": "guess" }), deps());
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBeTypeOf("string");
    const missing = delivery("Push Hook", pushPayload(project, "refs/heads/main"));
    missing.headers.delete("x-gitlab-token");
    expect((await handleGitLabWebhook(missing, deps())).status).toBe(401);
    expect(syncs).toEqual([]);
    expect(await db.prisma.webhookDelivery.count()).toBe(0);
  });

  it("answers 503 when the portal has no webhook token configured (the portal's fault, not the sender's)", async () => {
    const reply = await handleGitLabWebhook(delivery("Push Hook", pushPayload(project, "refs/heads/main")), deps({ secret: undefined }));
    expect(reply).toEqual({ status: 503, body: { error: expect.stringContaining("set FERRY_GITLAB_WEBHOOK_TOKEN") } });
    expect(syncs).toEqual([]);
    expect(await db.prisma.webhookDelivery.count()).toBe(0);
  });

  it("queues a sync for a push to the default branch, once per delivery id", async () => {
    const push = delivery("Push Hook", pushPayload(project, "refs/heads/main"));
    const first = await handleGitLabWebhook(push, deps());
    expect(first).toEqual({ status: 202, body: { status: "queued", syncs: ["gitops"], refreshes: [] } });

    const replay = await handleGitLabWebhook(push, deps());
    expect(replay).toEqual({ status: 200, body: { status: "duplicate" } });
    expect(syncs).toEqual(["gitops"]);
    const stored = await db.prisma.webhookDelivery.findMany({ where: { provider: "gitlab" } });
    expect(stored).toEqual([expect.objectContaining({ event: "Push Hook", repository: "gitops" })]);
  });

  it("dedupes on Idempotency-Key when GitLab sends one", async () => {
    const key = randomUUID();
    await handleGitLabWebhook(delivery("Merge Request Hook", mergeRequestPayload(project, 4), { "idempotency-key": key }), deps());
    // A resend carries the same key (and, on older GitLab, a new event UUID).
    const resend = await handleGitLabWebhook(delivery("Merge Request Hook", mergeRequestPayload(project, 4), { "idempotency-key": key }), deps());
    expect(resend.body).toEqual({ status: "duplicate" });
    expect(refreshes).toEqual([["gitops", 4]]);
  });

  it("refreshes the change request on merge request and pipeline events", async () => {
    await handleGitLabWebhook(delivery("Merge Request Hook", mergeRequestPayload(project, 12, "merge")), deps());
    await handleGitLabWebhook(delivery("Pipeline Hook", pipelinePayload(project, 12)), deps());
    expect(refreshes).toEqual([
      ["gitops", 12],
      ["gitops", 12],
    ]);
  });

  it("ignores pushes to other branches and projects that are not configured", async () => {
    const other = await handleGitLabWebhook(delivery("Push Hook", pushPayload(project, "refs/heads/feature")), deps());
    expect(other.status).toBe(202);
    expect(other.body.status).toBe("ignored");
    const stranger = await handleGitLabWebhook(delivery("Push Hook", pushPayload({ id: 2, path: "x/y", webUrl: "https://gitlab.example.com/x/y" }, "refs/heads/main")), deps());
    expect(stranger.body.status).toBe("ignored");
    expect((await handleGitLabWebhook({ ...delivery("Push Hook", {}), body: "{not json" }, deps())).status).toBe(400);
    expect(syncs).toEqual([]);
  });

  it("answers 503 when the database is down, and when nothing could be queued (the resend then works)", async () => {
    const down = createPrisma(`postgresql://ferry:ferry@127.0.0.1:${await findFreePort()}/none?connect_timeout=2`);
    try {
      const reply = await handleGitLabWebhook(delivery("Push Hook", pushPayload(project, "refs/heads/main")), deps({ prisma: down }));
      expect(reply.status).toBe(503);
    } finally {
      await down.$disconnect();
    }

    const push = delivery("Push Hook", pushPayload(project, "refs/heads/main"));
    failEnqueue = true;
    expect((await handleGitLabWebhook(push, deps())).status).toBe(503);
    failEnqueue = false;
    expect((await handleGitLabWebhook(push, deps())).body.status).toBe("queued");
    expect(syncs).toEqual(["gitops"]);
  });
});
