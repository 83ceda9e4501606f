import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getMatrix } from "@/lib/data/matrix";
import { parseMatrixQuery } from "@/lib/data/matrix-query";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { createDemoRepositories } from "@/lib/demo/create-demo-repos";
import { syncAllRepositories } from "@/lib/sync/sync-now";
import { argoApplication, startArgoCdTestServer, type ArgoCdTestServer } from "./testing/argocd-test-server";
import { startLiveFollowers, stopLiveFollowers } from "./worker";

// The whole path: the swagger-validated Argo CD test server → Ferry's client → the follower running as
// a pg-boss job → Postgres → the matrix's cells. The demo repositories are real git repositories,
// synced as the portal does, so cells and their folders are what the reader makes of them.

let db: TestDatabase;
let dir: string;
let server: ArgoCdTestServer;
let boss: PgBoss;
let repoUrl: string;
let head: string;
const cellPath: Record<string, string> = {};

async function startBoss(): Promise<PgBoss> {
  const b = new PgBoss({ connectionString: db.connectionString, max: 2, schedule: false });
  b.on("error", (error) => console.error("[live test] queue:", error));
  await b.start();
  return b;
}

async function follow(b: PgBoss) {
  await startLiveFollowers(b, db.connectionString, {
    prisma: db.prisma,
    sources: [{ name: "argo", kind: "argocd", url: server.url, token: server.token, tokenEnv: "UNUSED" }],
    windowSeconds: 600,
    backoffMs: 100,
  });
}

async function stopFollowing(b: PgBoss) {
  stopLiveFollowers();
  await b.stop({ graceful: true, timeout: 5_000, wait: true });
}

const checkout = async () => (await getMatrix(db.prisma, parseMatrixQuery({ app: "checkout" }))).rows[0]?.cells ?? {};

/** Polls `read` until `done` holds (the follower works in the background), failing after 15 s. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "ferry-live-"));
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = dir;
  for (const repo of await createDemoRepositories({ targetDir: path.join(dir, "repos") })) {
    await db.prisma.repository.create({ data: { name: repo.name, provider: "git", url: repo.path, team: repo.name === "payments-gitops" ? "payments" : null } });
  }
  await syncAllRepositories(db.prisma);
  const repo = await db.prisma.repository.findUniqueOrThrow({ where: { name: "payments-gitops" } });
  repoUrl = `file://${repo.url}`;
  head = repo.headSha ?? "";
  for (const d of await db.prisma.deployment.findMany({ where: { app: { name: "checkout" } }, select: { path: true, environment: { select: { name: true } } } })) cellPath[d.environment.name] = d.path;

  server = await startArgoCdTestServer();
  server.upsert(argoApplication({ name: "checkout-staging", repoURL: repoUrl, path: cellPath.staging, revision: head, images: ["ghcr.io/acme/checkout:2.4.0"], finishedAt: "2026-12-02T10:00:00Z" }));
  server.upsert(argoApplication({ name: "checkout-production", repoURL: repoUrl, path: cellPath.production, sync: "OutOfSync", health: "Progressing", revision: "0".repeat(40), images: ["ghcr.io/acme/checkout:2.3.0"] }));
  server.upsert(argoApplication({ name: "billing", repoURL: "https://github.com/acme/elsewhere", path: "apps/billing" }));
  boss = await startBoss();
  await follow(boss);
});

afterAll(async () => {
  await stopFollowing(boss).catch(() => {});
  await server?.close().catch(() => {});
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("live state from Argo CD in the matrix", () => {
  it("gives cells their sync, health, applied revision and image mismatch; lists what it could not place", async () => {
    const cells = await until(checkout, (c) => c.staging?.live != null && c.production?.live != null);
    expect(cells.staging?.live).toMatchObject({ application: "argo/checkout-staging", sync: "Synced", health: "Healthy", applied: "head", appliedAt: "2026-12-02T10:00:00.000Z", staleSince: null, imageMismatches: [] });
    expect(cells.production?.live).toMatchObject({
      sync: "OutOfSync",
      health: "Progressing",
      applied: "behind",
      imageMismatches: [{ image: "ghcr.io/acme/checkout", git: "2.3.1", live: ["ghcr.io/acme/checkout:2.3.0"] }],
    });
    expect(cells.dev?.live).toBeNull();
    const unplaced = await db.prisma.liveApplication.findMany({ where: { repository: null }, select: { name: true, unplacedReason: true } });
    expect(unplaced).toEqual([{ name: "billing", unplacedReason: "the repository https://github.com/acme/elsewhere is not one Ferry reads" }]);
    // The filter "only out of sync or unhealthy" keeps checkout (production is out of sync) and nothing else.
    expect((await getMatrix(db.prisma, parseMatrixQuery({ live: "problems" }))).rows.map((r) => r.app)).toEqual(["checkout"]);
    expect(server.requests.list).toBe(1);
  });

  it("follows the stream: an update reaches the cell without another list", async () => {
    await until(async () => server.openStreams(), (n) => n === 1);
    server.upsert(argoApplication({ name: "checkout-production", repoURL: repoUrl, path: cellPath.production, sync: "Synced", health: "Healthy", revision: head, images: ["ghcr.io/acme/checkout:2.3.1"] }));
    const cells = await until(checkout, (c) => c.production?.live?.health === "Healthy");
    expect(cells.production?.live).toMatchObject({ sync: "Synced", health: "Healthy", applied: "head", imageMismatches: [] });
    expect((await getMatrix(db.prisma, parseMatrixQuery({ live: "problems" }))).rows).toEqual([]);
    expect(server.requests).toMatchObject({ list: 1, stream: 1 });
  });

  it("resumes from the stored resourceVersion after a restart, without listing again", async () => {
    await stopFollowing(boss);
    const stored = await db.prisma.liveSource.findUniqueOrThrow({ where: { name: "argo" } });
    expect(stored.resourceVersion).toBe(String(server.resourceVersion()));
    server.upsert(argoApplication({ name: "checkout-staging", repoURL: repoUrl, path: cellPath.staging, sync: "OutOfSync", health: "Degraded", revision: head }));
    boss = await startBoss();
    await follow(boss);
    await until(async () => server.openStreams(), (n) => n === 1);
    expect(server.requests).toMatchObject({ list: 1, stream: 2 });
    // What happened while nobody followed is not replayed by Argo CD; the next event is.
    server.upsert(argoApplication({ name: "checkout-staging", repoURL: repoUrl, path: cellPath.staging, sync: "Synced", health: "Suspended", revision: head }));
    expect((await until(checkout, (c) => c.staging?.live?.health === "Suspended")).staging?.live?.sync).toBe("Synced");
  });

  it("relists when the stream says its resourceVersion expired", async () => {
    // A new version arrives while the stream is down; the one Ferry resumes from is then too old.
    server.dropStreams();
    server.upsert(argoApplication({ name: "checkout-staging", repoURL: repoUrl, path: cellPath.staging, sync: "Synced", health: "Healthy", revision: head }));
    server.expireBefore(server.resourceVersion());
    await until(async () => server.requests.list, (n) => n === 2);
    await until(async () => server.openStreams(), (n) => n === 1);
    // The relist brought what the stream missed.
    expect((await until(checkout, (c) => c.staging?.live?.health === "Healthy")).staging?.live?.sync).toBe("Synced");
    expect(server.requests.list).toBe(2);
    expect(server.violations).toEqual([]);
  });

  it("marks the cells stale when the server goes away, never a stale green", async () => {
    await server.close();
    const cells = await until(checkout, (c) => c.production?.live?.staleSince != null);
    expect(cells.production?.live).toMatchObject({ health: "Healthy", staleSince: expect.any(String) });
    expect(cells.staging?.live?.staleSince).toBe(cells.production?.live?.staleSince);
    const source = await db.prisma.liveSource.findUniqueOrThrow({ where: { name: "argo" } });
    expect(source.lastError).toMatch(/cannot reach/);
  });
});
