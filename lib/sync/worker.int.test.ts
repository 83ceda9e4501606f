import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHistoryRepository } from "@/lib/changes/testing/history-fixture";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { DELIVERY_RETENTION_MS } from "@/lib/webhooks/deliveries";
import { syncRepositoryNow } from "./sync-now";
import { PRUNE, PRUNE_CRON, pruneExpiredRows, startSyncWorker, stopSyncWorker } from "./worker";

// The housekeeping job: what it deletes and keeps, that startSyncWorker schedules it, and that the
// worker really runs it when pg-boss hands it a job.

const HOUR = 60 * 60 * 1000;
const now = new Date("2030-01-15T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

let db: TestDatabase;
let restoreDatabaseUrl: string | undefined;

async function seed(at: Date) {
  const before = (ms: number) => new Date(at.getTime() - ms);
  await db.prisma.webhookDelivery.deleteMany();
  await db.prisma.session.deleteMany();
  await db.prisma.webhookDelivery.createMany({
    data: [
      { id: "github:old", provider: "github", event: "push", receivedAt: before(DELIVERY_RETENTION_MS + HOUR) },
      { id: "gitlab:old", provider: "gitlab", event: "Push Hook", receivedAt: before(30 * 24 * HOUR) },
      { id: "github:7-days", provider: "github", event: "push", receivedAt: before(7 * 24 * HOUR) },
      { id: "gitlab:recent", provider: "gitlab", event: "Merge Request Hook", receivedAt: before(HOUR) },
    ],
  });
  await db.prisma.session.createMany({
    data: [
      { id: "expired", userId: "u-alice", expiresAt: before(HOUR) },
      { id: "just-expired", userId: "u-alice", expiresAt: at },
      { id: "valid", userId: "u-alice", expiresAt: new Date(at.getTime() + HOUR) },
    ],
  });
}

async function remaining() {
  const deliveries = await db.prisma.webhookDelivery.findMany({ orderBy: { id: "asc" }, select: { id: true } });
  const sessions = await db.prisma.session.findMany({ orderBy: { id: "asc" }, select: { id: true } });
  return { deliveries: deliveries.map((d) => d.id), sessions: sessions.map((s) => s.id) };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.user.create({ data: { id: "u-alice", name: "Alice", email: "alice@example.com" } });
  await db.prisma.apiToken.create({ data: { name: "old-ci", tokenHash: "h".repeat(64), createdAt: ago(400 * 24 * HOUR), revokedAt: ago(300 * 24 * HOUR) } });
});

afterAll(async () => {
  await stopSyncWorker();
  await disconnectPrisma();
  if (restoreDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = restoreDatabaseUrl;
  await db?.drop();
});

beforeEach(() => seed(now));

describe("prune job", () => {
  it("deletes deliveries past the retention and expired sessions, and keeps the rest", async () => {
    expect(DELIVERY_RETENTION_MS).toBeGreaterThanOrEqual(7 * 24 * HOUR);
    expect(await pruneExpiredRows(db.prisma, now)).toEqual({ deliveries: 2, sessions: 2 });
    expect(await remaining()).toEqual({ deliveries: ["github:7-days", "gitlab:recent"], sessions: ["valid"] });
    // Revoked API tokens stay: the audit log refers to them.
    expect(await db.prisma.apiToken.count()).toBe(1);
    // A second run finds nothing more to do.
    expect(await pruneExpiredRows(db.prisma, now)).toEqual({ deliveries: 0, sessions: 0 });
  });

  it("is scheduled hourly by the worker, which runs it", async () => {
    // The worker's handlers use the process-wide client, which reads DATABASE_URL.
    restoreDatabaseUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.connectionString;
    await startSyncWorker(db.connectionString);

    const probe = new PgBoss({ connectionString: db.connectionString, supervise: false, schedule: false, max: 1 });
    probe.on("error", (error) => console.error("[worker test] queue:", error));
    await probe.start();
    try {
      const schedules = await probe.getSchedules();
      expect(schedules.find((s) => s.name === PRUNE)).toMatchObject({ name: PRUNE, cron: PRUNE_CRON });
      expect(PRUNE_CRON).toMatch(/^\d{1,2} \* \* \* \*$/);

      // What the schedule sends every hour, sent now: the worker prunes with the real clock.
      await seed(new Date());
      await probe.send(PRUNE, {});
      await expect.poll(remaining, { timeout: 20_000, interval: 250 }).toEqual({ deliveries: ["github:7-days", "gitlab:recent"], sessions: ["valid"] });
    } finally {
      await probe.stop({ graceful: false, wait: true });
    }
  });
});

describe("cell history job", () => {
  it("reads the cells' history after a sync that moved the repository, as a queued job in the worker", async () => {
    // Runs after the prune test, so the worker is started on this database.
    const root = await mkdtemp(path.join(tmpdir(), "ferry-worker-history-"));
    try {
      process.env.FERRY_DATA_DIR = path.join(root, "data");
      const shas = await createHistoryRepository(path.join(root, "shop-gitops"));
      const prisma = getPrisma();
      await prisma.repository.create({ data: { name: "shop-gitops", provider: "git", url: path.join(root, "shop-gitops"), defaultBranch: "main" } });

      expect(await syncRepositoryNow(prisma, "shop-gitops")).toMatchObject({ status: "synced" });
      const staging = () =>
        prisma.deploymentHistory
          .findFirst({ where: { deployment: { environment: { name: "staging" }, app: { name: "shop" } } }, select: { entries: true } })
          .then((row) => (row?.entries as { sha: string }[] | undefined)?.map((e) => e.sha) ?? null);
      // The history fixture's staging ran 1.0.0, 1.1.0 and 1.2.0 (merged as a merge commit).
      await expect.poll(staging, { timeout: 30_000, interval: 250 }).toEqual([shas.merge120, shas.v110, shas.v100]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});
