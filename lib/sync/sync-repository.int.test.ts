import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoRepositories } from "@/lib/demo/create-demo-repos";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import type { Version } from "@/lib/gitops/model";
import { openScmRepository } from "./open-scm";
import { SYNC_LOCK_NAMESPACE, syncRepository } from "./sync-repository";
import { syncAllRepositories, syncRepositoryNow } from "./sync-now";

let db: TestDatabase;
let dir: string;
const repoPath = (name: string) => path.join(dir, "repos", name);

function commitFile(repo: string, file: string, content: string, author = "Test Author") {
  writeFileSync(path.join(repoPath(repo), file), content);
  execFileSync("git", ["-C", repoPath(repo), "-c", `user.name=${author}`, "-c", "user.email=test@example.com", "commit", "-qam", `change ${file}`]);
}

async function cell(app: string, env: string) {
  return db.prisma.deployment.findFirstOrThrow({ where: { app: { name: app }, environment: { name: env } } });
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "ferry-sync-"));
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = dir;
  const demo = await createDemoRepositories({ targetDir: path.join(dir, "repos") });
  for (const repo of demo) {
    await db.prisma.repository.create({ data: { name: repo.name, provider: "git", url: repo.path, team: repo.name === "payments-gitops" ? "payments" : null } });
  }
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("syncing repositories into the cache", () => {
  it("indexes every demo repository into teams, apps, environments and deployments", async () => {
    const results = await syncAllRepositories(db.prisma);
    expect(results.map((r) => [r.repository, r.status])).toEqual([
      ["fleet", "synced"],
      ["payments-gitops", "synced"],
      ["platform", "synced"],
    ]);
    expect(await db.prisma.app.count()).toBe(9);
    const checkout = await cell("checkout", "production");
    expect((checkout.versions as unknown as Version[]).map((v) => v.value)).toEqual(["2.3.1"]);
    expect(checkout.drift).toBe("behind");
    expect(checkout.lastCommitBy).toBe("Jonas Weber");
    const repo = await db.prisma.repository.findUniqueOrThrow({ where: { name: "payments-gitops" } });
    expect(repo.headSha).toMatch(/^[0-9a-f]{40}$/);
    expect(repo.syncError).toBeNull();
  });

  it("does nothing but note the time when the head did not move", async () => {
    const result = await syncRepositoryNow(db.prisma, "payments-gitops");
    expect(result).toMatchObject({ status: "unchanged", changedFiles: 0 });
  });

  it("re-reads only what a new commit changed", async () => {
    const blobsBefore = await db.prisma.blob.count();
    const ledgerBefore = await cell("ledger", "production");
    const file = "apps/checkout/production/deployment.yaml";
    commitFile("payments-gitops", file, readFileSync(path.join(repoPath("payments-gitops"), file), "utf8").replace("checkout:2.3.1", "checkout:2.4.0"));

    const result = await syncRepositoryNow(db.prisma, "payments-gitops");
    expect(result).toMatchObject({ status: "synced", changedFiles: 1 });
    expect(await db.prisma.blob.count()).toBe(blobsBefore + 1);
    const checkout = await cell("checkout", "production");
    expect((checkout.versions as unknown as Version[]).map((v) => v.value)).toEqual(["2.4.0"]);
    expect(checkout.drift).toBe("same");
    expect(checkout.lastCommitBy).toBe("Test Author");
    // Cells whose files did not change keep their row untouched.
    expect(await cell("ledger", "production")).toEqual(ledgerBefore);
  });

  it("marks the cell of a broken YAML file and keeps everything else", async () => {
    commitFile("payments-gitops", "apps/ledger/staging/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: [unclosed\n");
    const result = await syncRepositoryNow(db.prisma, "payments-gitops");
    expect(result.status).toBe("synced");
    const ledger = await cell("ledger", "staging");
    expect((ledger.errors as string[]).join("\n")).toMatch(/apps\/ledger\/staging\/deployment\.yaml/);
    expect(((await cell("ledger", "dev")).versions as unknown as Version[])[0]?.value).toBe("1.8.2");
  });

  it("never syncs one repository twice at once, across processes (advisory lock)", async () => {
    const repo = await db.prisma.repository.findUniqueOrThrow({ where: { name: "fleet" } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another "process" holds the lock in its own transaction.
    const holder = db.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SYNC_LOCK_NAMESPACE}::int, ${repo.id}::int)`;
        locked();
        await held;
      },
      { timeout: 30_000 },
    );
    await isLocked;
    const result = await syncRepository(db.prisma, repo.id, openScmRepository(repo), { force: true });
    expect(result.status).toBe("locked");
    release();
    await holder;
    expect((await syncRepository(db.prisma, repo.id, openScmRepository(repo), { force: true })).status).toBe("synced");
  });

  it("reports a repository deleted from disk and keeps its last good state", async () => {
    rmSync(repoPath("platform"), { recursive: true, force: true });
    const result = await syncRepositoryNow(db.prisma, "platform", { force: true });
    expect(result.status).toBe("error");
    expect(result.error).toMatch(/platform/);
    const repo = await db.prisma.repository.findUniqueOrThrow({ where: { name: "platform" } });
    expect(repo.syncError).toBe(result.error);
    expect(await db.prisma.app.count({ where: { repositoryId: repo.id } })).toBe(1);
  });
});
