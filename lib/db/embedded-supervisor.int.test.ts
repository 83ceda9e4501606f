import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, disconnectPrisma, type PrismaClient } from "./client";
import { startEmbeddedPostgres } from "./embedded";
import { superviseEmbeddedPostgres, type EmbeddedSupervisor } from "./embedded-supervisor";
import { findFreePort } from "./free-port";
import { applyMigrations } from "./migrate";
import { checkReadiness } from "./readiness";
import { isAlive } from "./stale-pid";
import { readSupervisorState } from "./supervisor-state";

// The fault from issue #13: the embedded PostgreSQL is killed (SIGKILL, as the OOM killer does) under
// a portal with a warm connection pool. The supervisor starts it again on the same port; readiness
// (and the ready route the orchestrator probes) says "restarting", then ready, with no manual step.

const saved = { ...process.env };
let dir: string;
let supervisor: EmbeddedSupervisor;
let prisma: PrismaClient;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ferry-supervise-"));
  await chmod(dir, 0o755);
  const first = await startEmbeddedPostgres({ dataDir: dir, port: await findFreePort() });
  await applyMigrations(first.connectionString);
  // A fixed 2 s before each attempt, so the test can watch the "restarting" state.
  supervisor = await superviseEmbeddedPostgres(first, { dataDir: dir, pollMs: 100, backoffMs: () => 2_000 });
  prisma = createPrisma(first.connectionString);
  Object.assign(process.env, { DATABASE_URL: first.connectionString, FERRY_DB_MODE: "embedded", FERRY_DATA_DIR: dir });
}, 120_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await disconnectPrisma();
  await supervisor?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  process.env = saved;
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the supervised embedded PostgreSQL", () => {
  it("comes back by itself after a SIGKILL: health says restarting, then ready within 30 s", async () => {
    const { GET } = await import("@/app/api/health/ready/route");
    expect(await checkReadiness(prisma)).toMatchObject({ ready: true });
    expect((await GET()).status).toBe(200);
    const killed = supervisor.current().pid!;
    const port = supervisor.current().port;
    const killedAt = Date.now();
    process.kill(killed, "SIGKILL");

    const restarting = await until("the restarting state", async () => {
      const response = await GET();
      const body = (await response.json()) as { status: string; reason?: string };
      return body.status === "restarting" ? { status: response.status, body } : undefined;
    });
    expect(restarting.status).toBe(503);
    expect(restarting.body.reason).toMatch(/^the embedded database stopped and is being restarted \(attempt 1 since /);
    expect(await checkReadiness(prisma)).toMatchObject({ ready: false });

    // The same pool, never re-created: it reconnects once the server answers again.
    await until("readiness", async () => ((await checkReadiness(prisma)).ready ? true : undefined));
    const recoveredMs = Date.now() - killedAt;
    expect(recoveredMs).toBeLessThan(30_000);
    expect((await GET()).status).toBe(200);
    expect(await prisma.repository.count()).toBe(0);

    const now = supervisor.current();
    expect(now.port).toBe(port);
    expect(now.pid).not.toBe(killed);
    expect(isAlive(now.pid!)).toBe(true);
    expect(await readSupervisorState(dir)).toMatchObject({ state: "running", pid: now.pid, restarts: 1 });
  });

  it("stops supervising on stop(): the server is stopped, not restarted", async () => {
    const pid = supervisor.current().pid!;
    await supervisor.stop();
    expect(isAlive(pid)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(supervisor.current().pid).toBe(pid);
    expect(await readSupervisorState(dir)).toMatchObject({ state: "running", restarts: 1 });
  });
});
