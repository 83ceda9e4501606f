import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import { withDatabase } from "@/lib/db/testing/provided";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { startBackgroundWork } from "@/lib/sync/start-in-server";
import { QUEUE_SETUP_LOCK_NAMESPACE } from "@/lib/sync/worker";
import { GET } from "./route";

// Readiness of a process that runs the job worker, on a real PostgreSQL with pg-boss really started:
// unready with the reason while its queue has not started (another process's set-up holds the lock;
// the queue's database refuses the connection and the start is retried), ready once it has. A process
// that never starts a worker (FERRY_SYNC_WORKER=off) is ready on the database alone.

let db: TestDatabase;
let restoreDatabaseUrl: string | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  restoreDatabaseUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = db.connectionString;
  // The route's 3 s budget is for a warm pool, as a probing orchestrator has one.
  await getPrisma().$queryRaw`SELECT 1`;
});

afterAll(async () => {
  await disconnectPrisma();
  if (restoreDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = restoreDatabaseUrl;
  await db?.drop();
});

async function readiness() {
  const response = await GET();
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string; jobWorker?: string } };
}

describe("readiness with the job worker", () => {
  it("does not depend on a job worker in a process that runs none", async () => {
    expect(await readiness()).toEqual({ status: 200, body: { status: "ready", migrations: expect.any(Number) } });
  });

  it("is unready while the worker's queue is still being set up, and ready once it has started", async () => {
    // Another process (a replica starting at the same moment) holds the queue's set-up lock.
    const other = new pg.Client({ connectionString: db.connectionString });
    await other.connect();
    let stop: (() => Promise<void>) | undefined;
    try {
      await other.query("SELECT pg_advisory_lock($1::int, 0)", [QUEUE_SETUP_LOCK_NAMESPACE]);
      const started = startBackgroundWork(db.connectionString);
      await expect.poll(async () => (await readiness()).status, { timeout: 30_000, interval: 100 }).toBe(503);
      // Held until the lock is released.
      expect(await readiness()).toEqual({ status: 503, body: { status: "unready", reason: "the job worker is starting (attempt 1)", jobWorker: "starting" } });
      await other.query("SELECT pg_advisory_unlock($1::int, 0)", [QUEUE_SETUP_LOCK_NAMESPACE]);
      stop = await started;
      expect(await readiness()).toEqual({ status: 200, body: { status: "ready", migrations: expect.any(Number), jobWorker: "started" } });
      // Liveness is untouched by any of it (no database, no queue).
      const { GET: live } = await import("../live/route");
      expect(live().status).toBe(200);
    } finally {
      await stop?.();
      await other.end();
    }
    // A stopping worker (SIGTERM) takes no more jobs: not ready either.
    expect(await readiness()).toMatchObject({ status: 503, body: { reason: "the job worker is stopping" } });
  });

  it("is unready with the start's error while the start is retried, and ready after the retry that succeeds", async () => {
    const { adminConnectionString } = inject("ferryTestDatabase");
    // The queue's database does not exist yet: every start fails until it does.
    const name = `${db.name}_queue_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminConnectionString });
    await admin.connect();
    let stop: (() => Promise<void>) | undefined;
    try {
      stop = await startBackgroundWork(withDatabase(db.connectionString, name));
      const failed = await readiness();
      expect(failed).toEqual({
        status: 503,
        body: { status: "unready", reason: `the job worker could not start (attempt 1: database "${name}" does not exist); next attempt in 1 s`, jobWorker: "retrying" },
      });

      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
      // Attempts 2, 3, 4 follow 1, 2 and 4 s after the one before: one of them finds the database.
      await expect.poll(async () => (await readiness()).status, { timeout: 30_000, interval: 100 }).toBe(200);
      expect((await readiness()).body).toEqual({ status: "ready", migrations: expect.any(Number), jobWorker: "started" });
    } finally {
      await stop?.();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    }
  });
});
