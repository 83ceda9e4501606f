import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { createWorld, registerRepository, type PromotionWorld } from "@/lib/changes/testing/promotion-fixture";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { enqueueRepositorySync, stopSyncWorker } from "@/lib/sync/worker";
import { POST as githubPOST } from "@/app/api/webhooks/github/route";
import { GET } from "./route";

// /metrics against a real database, real git repositories and the real pg-boss queue: what a sync,
// a failed sync, a webhook delivery and a queued job leave in the Prometheus text.

const saved = { ...process.env };
let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_GITHUB_WEBHOOK_SECRET = "metrics-secret";
  prisma = getPrisma();
  world = await createWorld();
  await registerRepository(prisma, "platform", path.join(world.repos, "platform"), null);
  await prisma.repository.create({ data: { name: "broken", provider: "git", url: path.join(world.repos, "no-such-repository"), defaultBranch: "main" } });
}, 120_000);

afterAll(async () => {
  await stopSyncWorker();
  await disconnectPrisma();
  await db?.drop();
  await world?.cleanup();
  process.env = saved;
});

async function scrape(): Promise<string> {
  const response = await GET();
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("/metrics", () => {
  it("counts syncs per repository with their duration, and failures", async () => {
    expect((await syncRepositoryNow(prisma, "platform")).status).toBe("unchanged");
    expect((await syncRepositoryNow(prisma, "broken")).status).toBe("error");
    const text = await scrape();
    // registerRepository's first sync ran through syncRepositoryNow too.
    expect(sample(text, "ferry_sync_duration_seconds_count", 'repository="platform",status="synced"')).toBe(1);
    expect(sample(text, "ferry_sync_duration_seconds_count", 'repository="platform",status="unchanged"')).toBe(1);
    expect(sample(text, "ferry_sync_duration_seconds_sum", 'repository="platform",status="synced"')).toBeGreaterThan(0);
    expect(sample(text, "ferry_sync_failures_total", 'repository="broken"')).toBe(1);
    expect(sample(text, "ferry_sync_failures_total", 'repository="platform"')).toBeUndefined();
    expect(text).toMatch(/^ferry_database_up 1$/m);
  });

  it("counts webhook deliveries by forge and status", async () => {
    const deliver = (signature: string) =>
      githubPOST(new Request("http://ferry.test/api/webhooks/github", { method: "POST", headers: { "x-github-event": "ping", "x-github-delivery": "m-1", "x-hub-signature-256": signature }, body: "{}" }));
    expect((await deliver(`sha256=${"0".repeat(64)}`)).status).toBe(401);
    expect((await deliver(`sha256=${"0".repeat(64)}`)).status).toBe(401);
    expect(sample(await scrape(), "ferry_webhook_deliveries_total", 'forge="github",status="401"')).toBe(2);
  });

  it("reads the job queue depth and change requests from the database", async () => {
    await enqueueRepositorySync("platform");
    const text = await scrape();
    expect(sample(text, "ferry_job_queue_depth", 'queue="ferry-sync-repository",state="created"')).toBe(1);
    expect(text).toContain("# TYPE ferry_change_requests gauge");
    expect(text).toContain("ferry_process_resident_memory_bytes");
  });
});
