import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { checkReadiness } from "@/lib/db/readiness";
import { createEmptyDatabase } from "@/lib/db/testing/test-db";
import { createWorld, type PromotionWorld } from "@/lib/changes/testing/promotion-fixture";

// The image's one-off step (Kubernetes Job / Helm hook), as the image runs it: the esbuild bundle,
// copied away from the repository's node_modules, run with plain node against an empty database.

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
let dir: string;
let bundle: string;
let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
let prisma: PrismaClient;
let world: PromotionWorld;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ferry-prepare-"));
  bundle = path.join(dir, "prepare-database.mjs");
  await run(process.execPath, [path.join(root, "scripts", "build-prepare-database.mjs"), "--outfile", bundle], { cwd: root });
  db = await createEmptyDatabase();
  prisma = createPrisma(db.connectionString);
  world = await createWorld();
}, 180_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
  await world?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function prepare(env: Record<string, string>, args: string[] = []) {
  return run(process.execPath, [bundle, "--migrations-dir", path.join(root, "prisma", "migrations"), ...args], {
    cwd: dir,
    env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: dir, FERRY_DATA_DIR: path.join(dir, "data"), ...env },
    encoding: "utf8",
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe("dist/prepare-database.mjs", () => {
  it("migrates an empty database, registers and syncs the configured repositories", async () => {
    const repositories = JSON.stringify([{ name: "platform", provider: "git", url: path.join(world.repos, "platform") }]);
    const result = await prepare({ DATABASE_URL: db.connectionString, FERRY_REPOSITORIES: repositories });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("applied migration");
    expect(result.stdout).toContain("synced 1/1 repositories");
    expect(await checkReadiness(prisma)).toMatchObject({ ready: true });
    const repo = await prisma.repository.findUniqueOrThrow({ where: { name: "platform" }, include: { _count: { select: { apps: true } } } });
    expect(repo.headSha).toMatch(/^[0-9a-f]{40}$/);
    expect(repo._count.apps).toBeGreaterThan(0);
  });

  it("is idempotent, and leaves the registered repositories alone when no configuration is given", async () => {
    const result = await prepare({ DATABASE_URL: db.connectionString }, ["--no-sync"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/database schema up to date \(\d+ migrations\)/);
    expect(result.stdout).toContain("warning: no repositories configured");
    expect((await prisma.repository.findUniqueOrThrow({ where: { name: "platform" } })).archivedAt).toBeNull();
  });

  it("fails in one line without DATABASE_URL", async () => {
    const result = await prepare({});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("ferry: DATABASE_URL is not set: give the job the same DATABASE_URL as the portal\n");
  });
});
