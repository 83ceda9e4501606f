import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, commitOverlay, createHistoryRepository } from "@/lib/changes/testing/history-fixture";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import type { Version } from "@/lib/gitops/model";
import { syncRepositoryNow } from "./sync-now";
import { SYNC_LOCK_NAMESPACE } from "./sync-repository";
import { enqueueRepositorySync, startSyncWorker, stopSyncWorker, SYNC_ALL, SYNC_ONE } from "./worker";

// A push whose sync job finds another sync holding the repository's lock (that sync may have read the
// branch before the push) is indexed once the holder is done, by the job queue alone: the periodic
// sync is unscheduled here, so nothing else would read the branch again.

const REPOSITORY = "shop-gitops";

let db: TestDatabase;
let root: string;
let repoDir: string;
let restoreDatabaseUrl: string | undefined;
let probe: PgBoss;

beforeAll(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(tmpdir(), "ferry-locked-sync-"));
  restoreDatabaseUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = path.join(root, "data");
  repoDir = path.join(root, REPOSITORY);
  await createHistoryRepository(repoDir);
  await getPrisma().repository.create({ data: { name: REPOSITORY, provider: "git", url: repoDir, defaultBranch: "main" } });
  expect(await syncRepositoryNow(getPrisma(), REPOSITORY)).toMatchObject({ status: "synced" });

  await startSyncWorker(db.connectionString);
  probe = new PgBoss({ connectionString: db.connectionString, supervise: false, schedule: false, max: 1 });
  probe.on("error", (error) => console.error("[locked sync test] queue:", error));
  await probe.start();
  await probe.unschedule(SYNC_ALL);
});

afterAll(async () => {
  await probe?.stop({ graceful: false, wait: true });
  await stopSyncWorker();
  await disconnectPrisma();
  if (restoreDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = restoreDatabaseUrl;
  await db?.drop();
  if (root) await rm(root, { recursive: true, force: true });
});

const headSha = () => getPrisma().repository.findUniqueOrThrow({ where: { name: REPOSITORY } }).then((r) => r.headSha);
const stagingVersions = () =>
  getPrisma()
    .deployment.findFirstOrThrow({ where: { environment: { name: "staging" }, app: { name: "shop" } } })
    .then((d) => (d.versions as unknown as Version[]).map((v) => v.value));
const jobs = async (name: string) =>
  (await db.prisma.$queryRaw<{ state: string }[]>`SELECT state::text FROM pgboss.job WHERE name = ${name} ORDER BY created_on`).map((j) => j.state);

describe("a push whose sync finds the repository's lock held", () => {
  it("is indexed after the sync holding the lock finishes, without a periodic sync", async () => {
    const before = await headSha();
    expect(await stagingVersions()).toEqual(["1.2.0"]);
    const { id } = await getPrisma().repository.findUniqueOrThrow({ where: { name: REPOSITORY } });

    // Another sync (another process's, a periodic one) holds the lock, as syncRepository takes it.
    const holder = new pg.Client({ connectionString: db.connectionString });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock($1::int, $2::int)", [SYNC_LOCK_NAMESPACE, id]);

      const pushed = await commitOverlay(repoDir, "staging", "1.3.0", ALICE, "2026-11-06T10:00:00Z");
      // What the push webhook does.
      await enqueueRepositorySync(REPOSITORY);
      // The webhook's job ran, met the lock and finished: the push is not indexed yet.
      await expect.poll(() => jobs(SYNC_ONE), { timeout: 20_000, interval: 200 }).toContain("completed");
      expect(await headSha()).toBe(before);

      await holder.query("COMMIT");
      await expect.poll(headSha, { timeout: 30_000, interval: 250 }).toBe(pushed);
      expect(await stagingVersions()).toEqual(["1.3.0"]);
    } finally {
      await holder.end();
    }
    // Nothing periodic read the branch in between.
    expect(await jobs(SYNC_ALL)).toEqual([]);
  }, 90_000);
});
