import pg from "pg";
import type PgBoss from "pg-boss";
import { describe, expect, it } from "vitest";
import { createEmptyDatabase } from "@/lib/db/testing/test-db";
import { jobTimeoutSeconds } from "./job-expiry";
import { CELL_HISTORY, openJobQueue, POLICY_REFRESH, PRUNE, REFRESH_CHANGE, SYNC_ALL, SYNC_ONE } from "./worker";

// Processes that start together on a fresh database (a rollout of several replicas, the two workers
// of the replicas e2e) all set pg-boss up. Side by side, PostgreSQL answered one of them "deadlock
// detected" (two create_queue calls for the same new queue), and that process served on without a
// job worker. Each openJobQueue here has a pool of its own: to the database they are four processes.

const PROCESSES = 4;

describe("the job queue's set-up", () => {
  it("succeeds in every process that starts at the same moment on a fresh database, and each gets the same queues", async () => {
    const database = await createEmptyDatabase();
    const opened = await Promise.allSettled(Array.from({ length: PROCESSES }, () => openJobQueue(database.connectionString)));
    const started = opened.filter((o): o is PromiseFulfilledResult<PgBoss> => o.status === "fulfilled").map((o) => o.value);
    const client = new pg.Client({ connectionString: database.connectionString });
    try {
      expect(opened.map((o) => (o.status === "rejected" ? String(o.reason) : "started"))).toEqual(Array(PROCESSES).fill("started"));
      await client.connect();
      const { rows } = await client.query<{ name: string; policy: string; expire_seconds: number }>(
        "SELECT name, policy, expire_seconds FROM pgboss.queue WHERE name NOT LIKE '__pgboss%' ORDER BY name",
      );
      expect(rows).toEqual(
        [
          { name: CELL_HISTORY, policy: "stately" },
          { name: REFRESH_CHANGE, policy: "standard" },
          { name: SYNC_ALL, policy: "singleton" },
          { name: POLICY_REFRESH, policy: "singleton" },
          { name: PRUNE, policy: "singleton" },
          { name: SYNC_ONE, policy: "stately" },
        ]
          .map((q) => ({ ...q, expire_seconds: jobTimeoutSeconds() }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
      // A job sent through the first is taken through the last: one queue, shared.
      const id = await started[0]!.send(SYNC_ONE, { repository: "payments" }, { singletonKey: "payments" });
      const [job] = await started[PROCESSES - 1]!.fetch<{ repository: string }>(SYNC_ONE);
      expect(job).toMatchObject({ id, data: { repository: "payments" } });
    } finally {
      await client.end().catch(() => undefined);
      await Promise.all(started.map((boss) => boss.stop({ graceful: false, wait: true })));
      await database.drop();
    }
  });
});
