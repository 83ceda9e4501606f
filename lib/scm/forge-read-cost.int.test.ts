import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { githubEnv, gitlabEnv, setEnv } from "@/lib/changes/testing/forge-setup";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { refreshRepositoryHistory } from "@/lib/sync/history-job";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { startTokenServer } from "./github/testing/connect";
import type { GitHubTestServer } from "./github/testing/github-test-server";
import { GitLabTestServer } from "./gitlab/testing/gitlab-test-server";
import { benchFiles, CHANGED_FILE } from "./testing/two-thousand-files";

// What reading a 2,000-file repository costs at the forge, counted at the test servers (REST calls
// and git smart HTTP requests alike) through the real sync and Postgres: a first sync, an idle
// poll, and a one-file change. Reading over git makes each a handful of requests whatever the size
// of the repository; through the REST API a first sync was one request per file (issue #15).

interface Counted {
  /** Requests since `from`: all, and git's upload-pack POSTs (one per fetch that asked for objects). */
  since(from: number): { all: number; api: number; packs: number; bytes: number };
  mark(): number;
  commit(changes: Record<string, string>): void;
}

let db: TestDatabase;
let dataDir: string;
const costs: Record<string, unknown> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "ferry-forge-cost-"));
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = dataDir;
});

afterAll(async () => {
  console.info(`[forge-read-cost] ${JSON.stringify(costs)}`);
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function readCosts(name: string, forge: () => Counted) {
  it("a first sync of 2,000 files costs at most 5 requests, git fetches included", async () => {
    const f = forge();
    const from = f.mark();
    const result = await syncRepositoryNow(db.prisma, name);
    expect(result).toMatchObject({ status: "synced" });
    expect(await db.prisma.repositoryFile.count({ where: { repository: { name } } })).toBe(2000);
    const cost = f.since(from);
    costs[`${name} first sync`] = cost;
    expect(cost.all).toBeLessThanOrEqual(5);
    expect(cost.api).toBe(0);
  });

  it("a poll with nothing changed costs at most 2 requests", async () => {
    const f = forge();
    const from = f.mark();
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "unchanged" });
    const cost = f.since(from);
    costs[`${name} idle poll`] = cost;
    expect(cost.all).toBeLessThanOrEqual(2);
    expect(cost.packs).toBe(1);
  });

  it("a one-file change is one fetch of the branch and one of the changed blob", async () => {
    const f = forge();
    f.commit({ [CHANGED_FILE]: benchFiles("1.1.0")[CHANGED_FILE] ?? "" });
    const from = f.mark();
    expect(await syncRepositoryNow(db.prisma, name)).toMatchObject({ status: "synced", changedFiles: 1 });
    const cost = f.since(from);
    costs[`${name} one-file change`] = cost;
    // The branch: advertisement, ref listing, pack; the blob: advertisement, pack (none when the
    // process already stored that content, e.g. from the other forge's run).
    expect(cost.all).toBeLessThanOrEqual(5);
    expect(cost.packs).toBeLessThanOrEqual(3);
    expect(cost.api).toBe(0);
    const cell = await db.prisma.deployment.findFirstOrThrow({ where: { app: { name: "app-007", repository: { name } }, environment: { name: "prod" } } });
    expect(JSON.stringify(cell.versions)).toContain("1.1.0");
  });

  it("the cells' history is read from the clone: versions a cell ran, and no API request", async () => {
    const f = forge();
    const from = f.mark();
    while ((await refreshRepositoryHistory(db.prisma, name))?.pending) {
      // the worker would queue the next run
    }
    const cost = f.since(from);
    costs[`${name} cell history`] = cost;
    expect(cost.api).toBe(0);
    const history = await db.prisma.deploymentHistory.findFirstOrThrow({ where: { deployment: { app: { name: "app-007", repository: { name } }, environment: { name: "prod" } } } });
    const entries = history.entries as unknown as { versions: { value: string | null }[] }[];
    expect(entries.map((e) => e.versions.map((v) => v.value))).toEqual([["1.1.0"], ["1.0.0"]]);
  });
}

describe("GitHub", () => {
  let server: GitHubTestServer;
  let restoreEnv: () => void;
  beforeAll(async () => {
    server = await startTokenServer();
    server.git.commitFiles("main", benchFiles("1.0.0"), "Initial layout");
    restoreEnv = setEnv(githubEnv({ secret: "unused", apiUrl: server.apiUrl }));
    await db.prisma.repository.create({ data: { name: "bench-github", provider: "github", url: server.repositoryUrl, defaultBranch: "main" } });
  });
  afterAll(async () => {
    expect(server?.violations).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  readCosts("bench-github", () => ({
    mark: () => server.requests.length,
    since: (from) => {
      const requests = server.requests.slice(from);
      return {
        all: requests.length,
        api: requests.filter((r) => !r.git).length,
        packs: requests.filter((r) => r.operationId === "smart-http/upload-pack").length,
        bytes: requests.reduce((sum, r) => sum + (r.bytes ?? 0), 0),
      };
    },
    commit: (changes) => void server.git.commitFiles("main", changes, "One-file change"),
  }));
});

describe("GitLab", () => {
  let server: GitLabTestServer;
  let restoreEnv: () => void;
  beforeAll(async () => {
    server = await GitLabTestServer.start();
    server.model.commitFiles(server.defaultBranch, benchFiles("1.0.0"), "Initial layout");
    restoreEnv = setEnv(gitlabEnv({ token: server.token, secret: "unused" }));
    await db.prisma.repository.create({ data: { name: "bench-gitlab", provider: "gitlab", url: server.projectUrl, defaultBranch: server.defaultBranch } });
  });
  afterAll(async () => {
    expect(server?.shapeErrors).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  readCosts("bench-gitlab", () => ({
    mark: () => server.requests.length,
    since: (from) => {
      const requests = server.requests.slice(from);
      return {
        all: requests.length,
        api: requests.filter((r) => !r.git).length,
        packs: requests.filter((r) => r.git && r.path.endsWith("git-upload-pack")).length,
        bytes: requests.reduce((sum, r) => sum + (r.bytes ?? 0), 0),
      };
    },
    commit: (changes) => void server.model.commitFiles(server.defaultBranch, changes, "One-file change"),
  }));
});
