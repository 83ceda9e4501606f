import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, disconnectPrisma, getPrisma } from "@/lib/db/client";
import { findFreePort } from "@/lib/db/free-port";
import { applyMigrations } from "@/lib/db/migrate";
import { checkReadiness, shippedMigrations } from "@/lib/db/readiness";
import { createEmptyDatabase } from "@/lib/db/testing/test-db";

// Readiness against real databases: one nobody migrated, the same after the migrations, and a port
// nobody listens on. The route itself is called the way Next calls it.

let empty: Awaited<ReturnType<typeof createEmptyDatabase>>;
beforeAll(async () => {
  empty = await createEmptyDatabase();
});
afterAll(async () => {
  await disconnectPrisma();
  await empty?.drop();
});

describe("readiness", () => {
  it("is unready with the pending migrations until they are applied, then ready (the route answers 503, then 200)", async () => {
    const prisma = createPrisma(empty.connectionString);
    const shipped = await shippedMigrations();
    expect(shipped.length).toBeGreaterThan(5);
    try {
      // Generous timeouts for the direct calls: a loaded CI machine must not turn "pending" into "no answer".
      const before = await checkReadiness(prisma, { timeoutMs: 30_000 });
      expect(before).toMatchObject({ ready: false, pending: shipped });

      process.env.DATABASE_URL = empty.connectionString;
      // The route's 3 s budget is for a warm pool, as a probing orchestrator has one: open it first.
      await getPrisma().$queryRaw`SELECT 1`;
      const { GET } = await import("./route");
      const unready = await GET();
      expect(unready.status).toBe(503);
      expect(unready.headers.get("retry-after")).toBe("5");
      expect(await unready.json()).toMatchObject({ status: "unready", reason: `${shipped.length} migration(s) not applied yet` });

      await applyMigrations(empty.connectionString);
      expect(await checkReadiness(prisma, { timeoutMs: 30_000 })).toEqual({ ready: true, migrations: shipped.length });
      const ready = await GET();
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", migrations: shipped.length });
    } finally {
      await prisma.$disconnect();
    }
  });

  it("is unready with the reason while the database does not answer, without leaking the password", async () => {
    const dead = createPrisma(`postgresql://ferry:s3cret@127.0.0.1:${await findFreePort()}/ferry`);
    try {
      const result = await checkReadiness(dead);
      expect(result.ready).toBe(false);
      expect(!result.ready && result.reason).toMatch(/^database unavailable: .*Can't reach database server/);
      expect(JSON.stringify(result)).not.toContain("s3cret");
    } finally {
      await dead.$disconnect();
    }
  });

  it("liveness answers without any database", async () => {
    const { GET } = await import("../live/route");
    const response = GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });
});
