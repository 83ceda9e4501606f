import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { gitEnv } from "./git/git-env";
import { TestRepo } from "./git/test-repo";
import { CountingGitServer } from "./testing/counting-git-server";
import { benchFiles, CHANGED_FILE } from "./testing/two-thousand-files";

// What reading a 2,000-file repository behind a plain git URL (no forge API) costs, counted at a
// real git smart HTTP server, through the real sync and Postgres: the same bare partial clone and
// batched blob fetch as GitHub and GitLab (forge-read-cost.int.test.ts), and the fallback for
// servers without partial clone support. Before, a plain remote was a full `git clone --mirror`.
// Each remote holds other versions than the others: the sync does not read a blob whose content the
// database already has, which would hide the blob fetch being counted.

let db: TestDatabase;
let dataDir: string;
const costs: Record<string, unknown> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "ferry-plain-cost-"));
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = dataDir;
});

afterAll(async () => {
  console.info(`[plain-git-read-cost] ${JSON.stringify(costs)}`);
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A work repository whose main branch is pushed to the server's bare repository. */
function publisher(server: CountingGitServer) {
  const work = TestRepo.create("ferry-plain-work-");
  return {
    commit(files: Record<string, string>, message: string) {
      work.commit({ message, files });
      work.git("push", "--quiet", server.directory, "main");
    },
    remove: () => work.remove(),
  };
}

/** Objects the repository's clone in the data dir lacks (blobs never fetched). */
function missingObjects(name: string): number {
  const mirrors = path.join(dataDir, "mirrors");
  const dir = readdirSync(mirrors).find((d) => d.startsWith(`${name}-`) && d.endsWith(".git"));
  if (!dir) throw new Error(`no clone of ${name} in ${mirrors}`);
  const out = execFileSync("git", [`--git-dir=${path.join(mirrors, dir)}`, "rev-list", "--objects", "--missing=print", "--all"], { env: gitEnv({ GIT_CONFIG_GLOBAL: "/dev/null" }), encoding: "utf8" });
  return out.split("\n").filter((l) => l.startsWith("?")).length;
}

async function cellVersions(name: string): Promise<string> {
  const cell = await db.prisma.deployment.findFirstOrThrow({ where: { app: { name: "app-007", repository: { name } }, environment: { name: "prod" } } });
  return JSON.stringify(cell.versions);
}

describe("a plain git remote that supports partial clone", () => {
  const name = "plain-partial";
  let server: CountingGitServer;
  let remote: ReturnType<typeof publisher>;
  beforeAll(async () => {
    server = await CountingGitServer.start();
    remote = publisher(server);
    remote.commit(benchFiles("1.0.0"), "Initial layout");
    await db.prisma.repository.create({ data: { name, provider: "git", url: server.url, defaultBranch: "main" } });
  });
  afterAll(async () => {
    await server?.close();
    remote?.remove();
  });

  it("a first sync of 2,000 files is two git fetches: the branches without blobs, then every blob read in one batch", async () => {
    const from = server.requests.length;
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "synced" });
    expect(await db.prisma.repositoryFile.count({ where: { repository: { name } } })).toBe(2000);
    const cost = server.since(from);
    costs["partial first sync"] = cost;
    expect(cost.fetches).toBe(2);
    expect(cost.requests).toBeLessThanOrEqual(5);
    expect(server.requests.slice(from).every((r) => r.status === 200)).toBe(true);
  });

  it("a poll with nothing changed is one git fetch that sends no pack", async () => {
    const from = server.requests.length;
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "unchanged" });
    const cost = server.since(from);
    costs["partial idle poll"] = cost;
    expect(cost.fetches).toBe(1);
    // The advertisement and the ref listing (protocol v2): no fetch command, no pack.
    expect(cost.requests).toBeLessThanOrEqual(2);
  });

  it("a one-file change is one fetch of the branch and one of the changed blob", async () => {
    remote.commit({ [CHANGED_FILE]: benchFiles("1.1.0")[CHANGED_FILE] ?? "" }, "One-file change");
    const from = server.requests.length;
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "synced", changedFiles: 1 });
    const cost = server.since(from);
    costs["partial one-file change"] = cost;
    expect(cost.fetches).toBe(2);
    expect(cost.requests).toBeLessThanOrEqual(6);
    expect(await cellVersions(name)).toContain("1.1.0");
  });
});

describe("a plain git remote that ignores partial clone filters (uploadpack.allowFilter=false)", () => {
  const name = "plain-full";
  let server: CountingGitServer;
  let remote: ReturnType<typeof publisher>;
  beforeAll(async () => {
    server = await CountingGitServer.start({ allowFilter: false });
    remote = publisher(server);
    remote.commit(benchFiles("2.0.0"), "Initial layout");
    await db.prisma.repository.create({ data: { name, provider: "git", url: server.url, defaultBranch: "main" } });
  });
  afterAll(async () => {
    await server?.close();
    remote?.remove();
  });

  it("is read with one full fetch: every blob came with the branch, none is asked for", async () => {
    const from = server.requests.length;
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "synced" });
    expect(await db.prisma.repositoryFile.count({ where: { repository: { name } } })).toBe(2000);
    const cost = server.since(from);
    costs["no-filter first sync"] = cost;
    expect(cost.fetches).toBe(1);
    expect(missingObjects(name)).toBe(0);
  });

  it("follows a change, and an idle poll is still one fetch", async () => {
    remote.commit({ [CHANGED_FILE]: benchFiles("2.1.0")[CHANGED_FILE] ?? "" }, "One-file change");
    let from = server.requests.length;
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "synced", changedFiles: 1 });
    expect(server.since(from).fetches).toBe(1);
    expect(await cellVersions(name)).toContain("2.1.0");
    from = server.requests.length;
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "unchanged" });
    expect(server.since(from).fetches).toBe(1);
  });
});

describe("a plain git remote on protocol v0 that refuses requests for objects by id", () => {
  const name = "plain-v0";
  let server: CountingGitServer;
  let remote: ReturnType<typeof publisher>;
  beforeAll(async () => {
    server = await CountingGitServer.start({ protocolV0: true });
    remote = publisher(server);
    remote.commit(benchFiles("3.0.0"), "Initial layout");
    await db.prisma.repository.create({ data: { name, provider: "git", url: server.url, defaultBranch: "main" } });
  });
  afterAll(async () => {
    await server?.close();
    remote?.remove();
  });

  it("falls back to one full fetch when the blob batch is refused, and fetches without a filter from then on", async () => {
    let from = server.requests.length;
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "synced" });
    expect(await db.prisma.repositoryFile.count({ where: { repository: { name } } })).toBe(2000);
    const first = server.since(from);
    costs["v0 first sync"] = first;
    // The branch without blobs, the refused blob batch, the full fetch.
    expect(first.fetches).toBe(3);
    expect(missingObjects(name)).toBe(0);

    remote.commit({ [CHANGED_FILE]: benchFiles("3.1.0")[CHANGED_FILE] ?? "" }, "One-file change");
    from = server.requests.length;
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "synced", changedFiles: 1 });
    expect(server.since(from).fetches).toBe(1);
    expect(await cellVersions(name)).toContain("3.1.0");
    expect(missingObjects(name)).toBe(0);
  });
});
