// What a sync reports about files and branches it cannot read normally: skipped files with their
// reason (on the cell and the Repositories page), invalid environment folders, environments that are
// gone, an empty branch and a force-push.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { listRepositories } from "@/lib/data/repositories";
import { TestRepo } from "@/lib/scm/git/test-repo";
import { MAX_CACHED_BLOB_BYTES } from "./load-file-tree";
import { syncRepositoryNow } from "./sync-now";

let db: TestDatabase;
let dataDir: string;
let repo: TestRepo;

const OVERLAY = "apps/web/overlays/production";
const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n";
const overlay = (tag: string, extra: string[] = []) =>
  `resources:\n  - ../../base\n${extra.map((e) => `  - ${e}\n`).join("")}images:\n  - name: ghcr.io/acme/web\n    newTag: ${tag}\n`;

async function cell(app: string, env: string) {
  return db.prisma.deployment.findFirst({ where: { app: { name: app }, environment: { name: env } } });
}
async function summary() {
  return (await listRepositories(db.prisma)).find((r) => r.name === "hostile")!;
}
async function envNames() {
  return (await db.prisma.environment.findMany({ orderBy: { name: "asc" } })).map((e) => e.name);
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-read-report-"));
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = dataDir;
  repo = TestRepo.create("ferry-hostile-");
  // A symlink and a name that is not UTF-8 go in before the commit (TestRepo adds everything).
  fs.mkdirSync(path.join(repo.dir, OVERLAY), { recursive: true });
  fs.symlinkSync("/etc/passwd", path.join(repo.dir, OVERLAY, "link.yaml"));
  fs.writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/apps/web/caf`), Buffer.from([0xe9]), Buffer.from(".yaml")]), "a: 1\n");
  repo.commit({
    message: "hostile files",
    files: {
      "apps/web/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "apps/web/base/deployment.yaml": deployment,
      "apps/web/overlays/staging/kustomization.yaml": overlay("1.1.0"),
      "apps/web/overlays/qa/kustomization.yaml": overlay("1.1.0"),
      "apps/web/overlays/PROD/kustomization.yaml": overlay("1.0.0"),
      [`${OVERLAY}/kustomization.yaml`]: overlay("1.0.0", ["big.yaml", "link.yaml", "latin.yaml"]),
      [`${OVERLAY}/big.yaml`]: `# ${"x".repeat(MAX_CACHED_BLOB_BYTES)}\n`,
      [`${OVERLAY}/latin.yaml`]: Buffer.from([...Buffer.from("caf"), 0xe9, ...Buffer.from(": true\n")]),
      "docs/logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    },
  });
  await db.prisma.repository.create({ data: { name: "hostile", provider: "git", url: repo.dir } });
});

afterAll(async () => {
  await db?.drop();
  repo?.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("what a sync reports about what it could not read", () => {
  it("names each skipped file and its reason on the cell and the Repositories page", async () => {
    expect(await syncRepositoryNow(db.prisma, "hostile")).toMatchObject({ status: "synced" });
    const production = await cell("web", "production");
    expect(production?.errors).toEqual([
      `${OVERLAY}/big.yaml: file larger than 2 MB (${MAX_CACHED_BLOB_BYTES + 3} bytes), not read`,
      `${OVERLAY}/link.yaml: symlink, not followed (it could point outside the repository)`,
      `${OVERLAY}/latin.yaml: not UTF-8 text (binary or another encoding), not read`,
    ]);
    const repoSummary = await summary();
    expect(repoSummary.readErrors).toEqual(
      expect.arrayContaining([
        { file: `${OVERLAY}/big.yaml`, message: `file larger than 2 MB (${MAX_CACHED_BLOB_BYTES + 3} bytes), not read` },
        { file: `${OVERLAY}/link.yaml`, message: "symlink, not followed (it could point outside the repository)" },
        { file: `${OVERLAY}/latin.yaml`, message: "not UTF-8 text (binary or another encoding), not read" },
        { file: "apps/web/caf\uFFFD.yaml", message: "file name is not valid UTF-8 (invalid bytes shown as \uFFFD), not read" },
        { file: "apps/web/overlays/PROD", message: expect.stringMatching(/^"PROD" is not a valid environment name.*must be lowercase: use "prod"/) },
      ]),
    );
    expect(repoSummary.readNotes).toContain("1 file not read because it is not UTF-8 text (binary or another encoding): docs/logo.png");
    expect(repoSummary.branchNotices).toEqual([]);
    expect(await envNames()).toEqual(["production", "qa", "staging"]);
  });

  it("drops an environment no repository has any more", async () => {
    repo.commit({ message: "no more qa", remove: ["apps/web/overlays/qa"] });
    expect(await syncRepositoryNow(db.prisma, "hostile")).toMatchObject({ status: "synced" });
    expect(await envNames()).toEqual(["production", "staging"]);
    expect(await cell("web", "staging")).not.toBeNull();
  });

  it("says when the branch was rewritten (force-push) and re-reads everything from the new head", async () => {
    const before = (await db.prisma.repository.findUniqueOrThrow({ where: { name: "hostile" } })).headSha!;
    repo.git("reset", "--quiet", "--hard", "HEAD~1");
    const head = repo.commit({
      message: "rewritten",
      files: { "apps/web/overlays/staging/kustomization.yaml": overlay("1.5.0") },
      remove: ["apps/web/overlays/qa"],
      author: { name: "Rewriter", email: "r@example.com" },
      date: "2026-02-01T12:00:00+00:00",
    });
    expect(await syncRepositoryNow(db.prisma, "hostile")).toMatchObject({ status: "synced", headSha: head });
    const notices = (await summary()).branchNotices;
    expect(notices).toEqual([`branch main was rewritten (force-push): ${before.slice(0, 12)} is no longer in its history; re-read from ${head.slice(0, 12)}`]);
    // Every cell's last commit comes from the new history: the old head is gone.
    const cells = await db.prisma.deployment.findMany({ select: { lastCommitSha: true } });
    expect(cells.map((c) => c.lastCommitSha)).not.toContain(before);
    expect((await cell("web", "staging"))?.lastCommitBy).toBe("Rewriter");
    // The next ordinary commit clears the notice.
    repo.commit({ message: "follow-up", files: { "apps/web/overlays/staging/kustomization.yaml": overlay("1.6.0") } });
    await syncRepositoryNow(db.prisma, "hostile");
    expect((await summary()).branchNotices).toEqual([]);
  });

  it("says when the branch has no files, and the apps and environments it had are gone", async () => {
    repo.git("rm", "-r", "-q", ".");
    const head = repo.commit({ message: "empty" });
    expect(await syncRepositoryNow(db.prisma, "hostile")).toMatchObject({ status: "synced", headSha: head });
    expect((await summary()).branchNotices).toEqual([`branch main has no files at ${head.slice(0, 12)} (empty branch): nothing to read, so the cache holds no apps from it`]);
    expect(await db.prisma.app.count()).toBe(0);
    expect(await envNames()).toEqual([]);
  });
});
