import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { TestRepo } from "@/lib/scm/git/test-repo";
import { deployingChanges, getChangeRollouts } from "./change-rollouts";

// Timelines from stored live state and the repository's real git history: a merge commit, a later
// commit on the branch (descendant) and an older one (not), read through the git provider.

let db: TestDatabase;
let git: TestRepo;
let dataDir: string;
let older: string, merge: string, later: string;
let changeId: number;
const cell = { repository: "gitops", app: "shop", env: "production" };

async function liveRow(revision: string, sync: string, health: string) {
  await db.prisma.liveApplication.upsert({
    where: { sourceName_key: { sourceName: "argo", key: "argocd/shop-production" } },
    create: {
      sourceName: "argo",
      key: "argocd/shop-production",
      name: "shop-production",
      sync,
      health,
      revision,
      sources: [],
      destination: {},
      appliedAt: new Date("2026-12-02T11:50:00Z"),
      healthSince: new Date("2026-12-02T11:52:00Z"),
      observedAt: new Date(),
      ...cell,
    },
    update: { revision, sync, health },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL ??= db.connectionString;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-rollouts-"));
  process.env.FERRY_DATA_DIR = dataDir;
  git = TestRepo.create();
  older = git.commit({ message: "base", files: { "apps/shop/production/kustomization.yaml": "images: []\n" } });
  merge = git.commit({ message: "promote shop", files: { "apps/shop/production/kustomization.yaml": "images: [{name: shop, newTag: 2.4.0}]\n" } });
  later = git.commit({ message: "unrelated", files: { "apps/other/dev/x.yaml": "x: 1\n" } });
  const repo = await db.prisma.repository.create({ data: { name: "gitops", provider: "git", url: git.dir, headSha: later } });
  const change = await db.prisma.changeRequest.create({
    data: {
      repositoryId: repo.id,
      kind: "PROMOTION",
      state: "MERGED",
      number: 1,
      branch: "ferry/promote/shop/production",
      baseSha: older,
      mergeCommitSha: merge,
      title: "Promote shop",
      body: "",
      appName: "shop",
      fromEnv: "staging",
      toEnv: "production",
      changeSet: { edits: [], diff: "", fields: [{ name: "shop", from: "2.3.0", to: "2.4.0" }], skipped: [], notes: [], downgrade: false },
      createdAt: new Date("2026-12-02T11:00:00Z"),
      mergedAt: new Date("2026-12-02T11:45:00Z"),
    },
  });
  changeId = change.id;
}, 120_000);

afterAll(async () => {
  await db?.drop();
  git?.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const phaseOf = async () => (await getChangeRollouts(db.prisma, [changeId]))[0];

describe("change rollouts", () => {
  it("stops at merged and says so while no live source is configured", async () => {
    expect(await phaseOf()).toMatchObject({ phase: "merged", live: { kind: "not-connected" } });
  });

  it("is deploying while the cluster runs an older commit, and the cell says so", async () => {
    await db.prisma.liveSource.create({ data: { name: "argo", kind: "argocd", lastContactAt: new Date() } });
    expect(await phaseOf()).toMatchObject({ phase: "merged", live: { kind: "not-placed", cells: ["shop in production"] } });
    await liveRow(older, "Synced", "Healthy");
    expect(await phaseOf()).toMatchObject({ phase: "deploying", live: null });
    expect(await deployingChanges(db.prisma, [cell])).toEqual(new Map([["gitops\u0000shop\u0000production", changeId]]));
  });

  it("is not applied while the new revision is only being synced", async () => {
    await liveRow(merge, "OutOfSync", "Progressing");
    const r = await phaseOf();
    expect(r?.phase).toBe("deploying");
    expect(r?.steps.find((s) => s.step === "applied")?.done).toBe(false);
  });

  it("is healthy at a later commit of the branch, with the times of each step, and no longer deploying", async () => {
    await liveRow(later, "Synced", "Healthy");
    const r = await phaseOf();
    expect(r?.phase).toBe("healthy");
    expect(r?.steps.map((s) => [s.step, s.at])).toEqual([
      ["opened", "2026-12-02T11:00:00.000Z"],
      ["merged", "2026-12-02T11:45:00.000Z"],
      ["applied", "2026-12-02T11:50:00.000Z"],
      ["healthy", "2026-12-02T11:52:00.000Z"],
    ]);
    expect(await deployingChanges(db.prisma, [cell])).toEqual(new Map());
  });

  it("shows a degraded app as degraded", async () => {
    await liveRow(later, "Synced", "Degraded");
    expect(await phaseOf()).toMatchObject({ phase: "degraded", health: "Degraded" });
  });

  it("claims nothing once the source is stale", async () => {
    await db.prisma.liveSource.update({ where: { name: "argo" }, data: { staleSince: new Date("2026-12-02T12:00:00Z") } });
    expect(await phaseOf()).toMatchObject({ live: { kind: "stale", since: "2026-12-02T12:00:00.000Z" } });
    expect(await deployingChanges(db.prisma, [cell])).toEqual(new Map());
  });
});
