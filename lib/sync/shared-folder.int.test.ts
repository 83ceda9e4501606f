import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { syncRepositoryNow } from "./sync-now";

// Several cells in one folder (a global env folder of HelmReleases, a folder every cluster reconciles):
// a commit to one release's file is that cell's change only. Its neighbours keep their row untouched,
// "last changed" included.

let db: TestDatabase;
let dir: string;
const repo = () => path.join(dir, "releases");
const hr = (name: string, version: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  chart:\n    spec:\n      chart: ${name}\n      version: ${version}\n`;

function commit(files: Record<string, string>, author: string) {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo(), file)), { recursive: true });
    writeFileSync(path.join(repo(), file), content);
  }
  execFileSync("git", ["-C", repo(), "add", "-A"]);
  execFileSync("git", ["-C", repo(), "-c", `user.name=${author}`, "-c", "user.email=a@example.com", "commit", "-qm", `by ${author}`]);
}

const cell = (app: string, env: string) => db.prisma.deployment.findFirstOrThrow({ where: { app: { name: app }, environment: { name: env } } });

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "ferry-shared-folder-"));
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = dir;
  execFileSync("git", ["init", "-q", "-b", "main", repo()]);
  commit({ "releases/staging/api.yaml": hr("api", "1.0.0"), "releases/production/api.yaml": hr("api", "0.9.0") }, "Ada");
  commit({ "releases/staging/web.yaml": hr("web", "2.0.0"), "releases/production/web.yaml": hr("web", "1.9.0") }, "Bo");
  await db.prisma.repository.create({ data: { name: "releases", provider: "git", url: repo() } });
  expect((await syncRepositoryNow(db.prisma, "releases")).status).toBe("synced");
}, 120_000);

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("cells that share a folder", () => {
  it("know their own last change: the commit to the file holding their version", async () => {
    expect((await cell("api", "staging")).lastCommitBy).toBe("Ada");
    expect((await cell("web", "staging")).lastCommitBy).toBe("Bo");
  });

  it("a commit to one release rewrites that cell only", async () => {
    const web = await cell("web", "staging");
    commit({ "releases/staging/api.yaml": hr("api", "1.1.0") }, "Cy");
    expect(await syncRepositoryNow(db.prisma, "releases")).toMatchObject({ status: "synced", changedFiles: 1 });
    const api = await cell("api", "staging");
    expect(api.lastCommitBy).toBe("Cy");
    expect((api.versions as { value: string }[]).map((v) => v.value)).toEqual(["1.1.0"]);
    expect(await cell("web", "staging")).toEqual(web);
  });
});
