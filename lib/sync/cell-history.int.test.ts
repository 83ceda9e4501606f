import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { getAppHistories } from "@/lib/data/cell-history";
import { ALICE, BOB, CAROL, commitOverlay, createHistoryRepository, DANA, PROMOTION_BRANCH, type HistoryShas } from "@/lib/changes/testing/history-fixture";
import { refreshCellHistory } from "./cell-history";
import { openScmRepository } from "./open-scm";
import { syncWithHistory } from "./testing/sync-with-history";

// The history of a cell from a real git repository with known commits, through the sync, into
// Postgres, and read back as the app page shows it.

let db: TestDatabase;
let prisma: PrismaClient;
let root: string;
let dir: string;
let shas: HistoryShas;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  root = await mkdtemp(path.join(tmpdir(), "ferry-history-"));
  process.env.FERRY_DATA_DIR = path.join(root, "data");
  dir = path.join(root, "shop-gitops");
  shas = await createHistoryRepository(dir);
  prisma = getPrisma();
  await prisma.repository.create({ data: { name: "shop-gitops", provider: "git", url: dir, defaultBranch: "main" } });
}, 60_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await rm(root, { recursive: true, force: true });
});

async function histories() {
  const app = await prisma.app.findFirstOrThrow({ where: { name: "shop" }, select: { id: true } });
  return getAppHistories(prisma, app.id);
}
const simple = (entries: { sha: string; author: string; at: string; versions: { value: string | null }[]; change: { label: string } | null }[]) =>
  entries.map((e) => ({ sha: e.sha, author: e.author, at: e.at, versions: e.versions.map((v) => v.value), change: e.change?.label ?? null }));

describe("cell history", () => {
  it("lists every version staging ran, with the commit that brought it and the change request that merged it", async () => {
    // The change Ferry opened for 1.2.0, merged as the merge commit.
    const repo = await prisma.repository.findUniqueOrThrow({ where: { name: "shop-gitops" } });
    await prisma.changeRequest.create({
      data: { repositoryId: repo.id, kind: "PROMOTION", state: "MERGED", number: 7, branch: PROMOTION_BRANCH, baseSha: shas.replicas, headSha: shas.branch120, mergeCommitSha: shas.merge120, title: "Promote shop", body: "", changeSet: {}, appName: "shop", fromEnv: "dev", toEnv: "staging" },
    });
    const synced = await syncWithHistory(prisma, "shop-gitops");
    expect(synced.status).toBe("synced");

    const h = await histories();
    expect(simple(h.get("staging")?.entries ?? [])).toEqual([
      { sha: shas.merge120, author: DANA.name, at: "2026-11-05T10:00:00.000Z", versions: ["1.2.0"], change: "shop-gitops#7" },
      { sha: shas.v110, author: BOB.name, at: "2026-11-02T10:00:00.000Z", versions: ["1.1.0"], change: null },
      { sha: shas.v100, author: ALICE.name, at: "2026-11-01T10:00:00.000Z", versions: ["1.0.0"], change: null },
    ]);
    expect(h.get("staging")?.entries.map((e) => e.current)).toEqual([true, false, false]);
    expect(simple(h.get("dev")?.entries ?? [])).toEqual([{ sha: shas.v100, author: ALICE.name, at: "2026-11-01T10:00:00.000Z", versions: ["1.3.0"], change: null }]);
  });

  it("adds a new version at the next sync without reading old commits again, and skips commits that did not change the version", async () => {
    const v130 = await commitOverlay(dir, "staging", "1.3.0", CAROL, "2026-11-06T10:00:00Z", 2);
    const replicasOnly = await commitOverlay(dir, "staging", "1.3.0", BOB, "2026-11-07T10:00:00Z", 3);
    // The sync refreshes the history itself; run the refresh again to see what it costs once current.
    expect((await syncWithHistory(prisma, "shop-gitops")).status).toBe("synced");
    const staging = (await histories()).get("staging");
    expect(staging?.entries.map((e) => [e.sha, e.versions[0]?.value])).toEqual([
      [v130, "1.3.0"],
      [shas.merge120, "1.2.0"],
      [shas.v110, "1.1.0"],
      [shas.v100, "1.0.0"],
    ]);
    expect(staging?.entries.some((e) => e.sha === replicasOnly)).toBe(false);
    const repo = await prisma.repository.findUniqueOrThrow({ where: { name: "shop-gitops" } });
    expect(await refreshCellHistory(prisma, repo.id, openScmRepository(repo))).toEqual({ refreshed: 0, pending: 0, commitsRead: 0 });
  });

  it("follows a change in another environment, and rebuilds a lost cache whole", async () => {
    const repo = await prisma.repository.findUniqueOrThrow({ where: { name: "shop-gitops" } });
    await commitOverlay(dir, "dev", "1.4.0", DANA, "2026-11-08T10:00:00Z");
    expect((await syncWithHistory(prisma, "shop-gitops")).status).toBe("synced");
    expect((await histories()).get("dev")?.entries.map((e) => e.versions[0]?.value)).toEqual(["1.4.0", "1.3.0"]);

    await prisma.deploymentHistory.deleteMany({});
    const rebuilt = await refreshCellHistory(prisma, repo.id, openScmRepository(repo));
    expect(rebuilt.refreshed).toBe(2);
    // staging's history: 1.0.0, 1.1.0, replicas, 1.2.0 merge, 1.3.0 (its last commit: the row), replicas-only, dev's 1.4.0 is not its file.
    expect(rebuilt.commitsRead).toBeGreaterThanOrEqual(4);
    expect((await histories()).get("staging")?.entries.map((e) => e.versions[0]?.value)).toEqual(["1.3.0", "1.2.0", "1.1.0", "1.0.0"]);
  });
});
