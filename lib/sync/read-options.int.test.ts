import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { impactOfEdits } from "@/lib/changes/preview-promotion";
import { commitFiles, deploymentYaml, git } from "@/lib/changes/testing/promotion-fixture";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { readCachedRepository } from "./cached-repository";
import { syncRepositoryNow } from "./sync-now";

// A repository holding one app at its root, on a branch named after its environment (a hydrated
// `production` branch): the sync names the app after the repository and the environment after the
// branch, and a change's impact is read the same way, so it moves that one cell and nothing else.

let db: TestDatabase;
let prisma: PrismaClient;
let root: string;
const repo = () => path.join(root, "Shop.API");

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  root = await mkdtemp(path.join(tmpdir(), "ferry-read-options-"));
  process.env.FERRY_DATA_DIR = path.join(root, "data");
  await mkdir(repo(), { recursive: true });
  await git(repo(), ["init", "-q", "-b", "production"]);
  await commitFiles(repo(), { "deployment.yaml": deploymentYaml("shop", "shop", "1.4.0"), "kustomization.yaml": "resources:\n  - deployment.yaml\n" }, "shop at the root");
  await prisma.repository.create({ data: { name: "shop-api", provider: "git", url: repo(), defaultBranch: "production", team: null } });
  const synced = await syncRepositoryNow(prisma, "shop-api");
  if (synced.status === "error") throw new Error(synced.error);
});

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await rm(root, { recursive: true, force: true });
});

describe("the portal reads a repository the same way every time", () => {
  it("names a root-level app after the repository, not a placeholder", async () => {
    const cells = await prisma.deployment.findMany({ select: { app: { select: { name: true } }, environment: { select: { name: true } } } });
    expect(cells.map((c) => `${c.app.name}@${c.environment.name}`)).toEqual(["shop-api@production"]);
  });

  it("judges a change by a re-read with the same options: one cell moves", async () => {
    const cached = await readCachedRepository(prisma, "shop-api");
    expect(cached?.readOptions).toEqual({ rootAppName: "shop-api", branch: "production", repositoryUrl: repo() });
    const previous = cached!.tree.get("deployment.yaml")!;
    const content = previous.replace("shop:1.4.0", "shop:1.5.0");
    const impact = impactOfEdits(cached!, { edits: [{ path: "deployment.yaml", action: "update", previous, content }] });
    expect(impact).toEqual([{ app: "shop-api", env: "production", versions: [{ name: "ghcr.io/acme/shop", from: "1.4.0", to: "1.5.0" }] }]);
  });
});
