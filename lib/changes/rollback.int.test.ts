import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionResult } from "@/lib/actions/action";
import { openPromotionAction } from "@/lib/actions/promotions/open-promotion";
import { previewPromotionAction } from "@/lib/actions/promotions/preview-promotion";
import { unpinCellAction } from "@/lib/actions/promotions/unpin-cell";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import type { Actor } from "@/lib/auth/policy";
import { createSessionRecord, getUserForSessionToken } from "@/lib/auth/session-store";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { syncWithHistory } from "@/lib/sync/testing/sync-with-history";
import type { OpenPromotionResult } from "./open-promotion";
import type { PromotionPreview } from "./preview-promotion";
import { createHistoryRepository, historyGit, PROMOTION_BRANCH, type HistoryShas } from "./testing/history-fixture";

// Roll back through the promotion actions, against real Postgres and a real git repository whose
// history is known: the change opened renders the old version, the cell is pinned, a later
// promotion asks before moving it, and only those who may promote into the cell may do either.

let db: TestDatabase;
let prisma: PrismaClient;
let root: string;
let dir: string;
let shas: HistoryShas;
const actors: Record<string, Actor> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  root = await mkdtemp(path.join(tmpdir(), "ferry-rollback-"));
  process.env.FERRY_DATA_DIR = path.join(root, "data");
  dir = path.join(root, "shop-gitops");
  shas = await createHistoryRepository(dir);
  prisma = getPrisma();
  await seedDemoUsers(prisma);
  for (const id of ["dana", "sam", "vic"]) {
    const { token } = await createSessionRecord(prisma, id);
    const user = await getUserForSessionToken(prisma, token);
    if (!user) throw new Error(`no session user for ${id}`);
    actors[id] = user;
  }
  await prisma.repository.create({ data: { name: "shop-gitops", provider: "git", url: dir, defaultBranch: "main", team: "payments" } });
  expect((await syncWithHistory(prisma, "shop-gitops")).status).toBe("synced");
}, 60_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await rm(root, { recursive: true, force: true });
});

const rollbackTo = (sha: string, extra: Record<string, unknown> = {}) => ({ repository: "shop-gitops", app: "shop", from: "staging", to: "staging", rollbackTo: sha, ...extra });
const promoteDev = (extra: Record<string, unknown> = {}) => ({ repository: "shop-gitops", app: "shop", from: "dev", to: "staging", ...extra });
const as = (who: string) => ({ actor: actors[who]!, prisma });
function data<T>(result: ActionResult<T>): T {
  if (!result.ok) throw new Error(`${result.code}: ${result.error}`);
  return result.data;
}
const pinRow = () => prisma.rollbackPin.findFirst({ include: { environment: { select: { name: true } } } });

/** `kubectl kustomize` of the staging overlay as the branch holds it. */
async function renderStagingAt(ref: string): Promise<string> {
  const out = path.join(root, `render-${Date.now()}`);
  for (const file of ["apps/shop/base/kustomization.yaml", "apps/shop/base/deployment.yaml", "apps/shop/overlays/staging/kustomization.yaml"]) {
    await mkdir(path.dirname(path.join(out, file)), { recursive: true });
    await writeFile(path.join(out, file), `${await historyGit(dir, ["show", `${ref}:${file}`])}\n`);
  }
  return execFileSync("/usr/bin/kubectl", ["kustomize", path.join(out, "apps/shop/overlays/staging")], { encoding: "utf8" });
}

describe("roll back to a version from the history", () => {
  it("a viewer, and a developer of another team, can neither roll back nor unpin", async () => {
    for (const who of ["vic", "sam"]) {
      const opened = await openPromotionAction.run(rollbackTo(shas.v110, { allowDowngrade: true }), as(who));
      expect(opened).toMatchObject({ ok: false, code: "forbidden" });
      expect(await unpinCellAction.run({ repository: "shop-gitops", app: "shop", to: "staging" }, as(who))).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(await pinRow()).toBeNull();
  });

  it("refuses a commit that is not in the cell's history", async () => {
    const result = await previewPromotionAction.run(rollbackTo(shas.replicas), as("dana"));
    expect(result).toMatchObject({ ok: false, code: "failed", error: expect.stringContaining("is not in the history of shop in staging") });
    const other = await previewPromotionAction.run({ ...rollbackTo(shas.v110), from: "dev" }, as("dana"));
    expect(other).toMatchObject({ ok: false, error: expect.stringContaining('"from" must be staging') });
  });

  it("asks to confirm the downgrade, then opens a change whose staging renders 1.1.0, and pins the cell", async () => {
    const preview: PromotionPreview = data(await previewPromotionAction.run(rollbackTo(shas.v110), as("dana")));
    expect(preview.plan).toMatchObject({ status: "needs-confirmation", confirm: ["allowDowngrade"] });

    const result: OpenPromotionResult = data(await openPromotionAction.run(rollbackTo(shas.v110, { allowDowngrade: true, reason: "1.2.0 breaks checkout" }), as("dana")));
    if (!("change" in result)) throw new Error(result.status);
    expect(result).toMatchObject({ status: "opened", pin: "pinned" });
    expect(result.plan.changeSet.title).toBe("Roll back shop in staging: 1.2.0 → 1.1.0");
    const audit = await prisma.auditEvent.findFirst({ where: { action: "deployment.promote", result: "ok" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorId: "dana", message: expect.stringContaining("(pinned the cell by rollback)") });

    if (existsSync("/usr/bin/kubectl")) {
      const rendered = await renderStagingAt(PROMOTION_BRANCH);
      expect(rendered).toContain("image: ghcr.io/acme/shop:1.1.0");
      expect(rendered).toContain("replicas: 2"); // today's replicas stay: only the version goes back
      expect(await renderStagingAt("main")).toContain("image: ghcr.io/acme/shop:1.2.0");
    }
    expect(await pinRow()).toMatchObject({
      environment: { name: "staging" },
      version: "ghcr.io/acme/shop:1.1.0",
      commitSha: shas.v110,
      reason: "1.2.0 breaks checkout",
      pinnedById: "dana",
      pinnedByName: "Dana Developer",
      changeRequestId: result.change.id,
    });
  });

  it("a later promotion into the pinned cell asks first; confirmed, it opens and clears the pin", async () => {
    const asked: PromotionPreview = data(await previewPromotionAction.run(promoteDev(), as("dana")));
    expect(asked.plan).toMatchObject({ status: "needs-confirmation", confirm: ["allowUnpin"] });
    if (asked.plan.status === "needs-confirmation") expect(asked.plan.reason).toContain("pinned by a rollback to ghcr.io/acme/shop:1.1.0 (Dana Developer: 1.2.0 breaks checkout)");
    const refused: OpenPromotionResult = data(await openPromotionAction.run(promoteDev(), as("dana")));
    expect(refused.status).toBe("needs-confirmation");
    expect(await pinRow()).not.toBeNull();

    const opened: OpenPromotionResult = data(await openPromotionAction.run(promoteDev({ allowUnpin: true }), as("dana")));
    expect(opened).toMatchObject({ status: "updated", pin: "unpinned" });
    expect(await pinRow()).toBeNull();
  });

  it("unpin: whoever may promote into the cell removes the pin; without one it says so", async () => {
    data(await openPromotionAction.run(rollbackTo(shas.v100, { allowDowngrade: true }), as("dana")));
    expect((await pinRow())?.version).toBe("ghcr.io/acme/shop:1.0.0");
    expect(data(await unpinCellAction.run({ repository: "shop-gitops", app: "shop", to: "staging" }, as("dana")))).toEqual({ unpinned: true });
    expect(await pinRow()).toBeNull();
    expect(await unpinCellAction.run({ repository: "shop-gitops", app: "shop", to: "staging" }, as("dana"))).toMatchObject({ ok: false, error: expect.stringContaining("is not pinned") });
    const audit = await prisma.auditEvent.findMany({ where: { action: "deployment.unpin" }, select: { actorId: true, result: true }, orderBy: { id: "asc" } });
    expect(audit.map((a) => `${a.actorId} ${a.result}`)).toEqual(expect.arrayContaining(["vic denied", "sam denied", "dana ok"]));
  });
});
