import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { authorize, type UserActor } from "@/lib/auth/policy";
import { ForbiddenError } from "@/lib/auth/errors";
import { getMatrix } from "@/lib/data/matrix";
import { parseMatrixQuery } from "@/lib/data/matrix-query";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { loadFixture } from "@/lib/gitops/testing/load-fixture";
import { bulkPromotionSchema, openBulkPromotion, previewBulkPromotion, type CellAuthorizer } from "./bulk-promotion";
import { changeResource } from "@/lib/actions/changes/review-change";
import { changeUpdateRequest } from "./update-change";
import { openPromotion } from "./open-promotion";
import { previewPromotion } from "./preview-promotion";
import { promotionRequestSchema } from "./promotion-request";
import { openBulkPromotionAction } from "@/lib/actions/promotions/bulk-promotion";
import { commitFiles, createWorld, git, registerRepository, type PromotionWorld } from "./testing/promotion-fixture";

// Bulk promotion end to end against real Postgres and real git repositories: the demo ones (payments,
// fleet) and fleet-infra's layout, where two apps' production images live in one kustomization.

const alice = { id: "u-alice", name: "Alice Example", email: "alice@acme.example" };
const admin: CellAuthorizer = () => ({ allowed: true });
const member = (teams: string[]): UserActor => ({ kind: "user", id: "u-dev", name: "Dana Developer", email: "dana@acme.example", role: "DEVELOPER", teams });
const as = (user: UserActor): CellAuthorizer => (resource) => authorize(user, "deployment.promote", resource);

let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld;
const dir = (name: string) => path.join(world.repos, name);

async function show(repo: string, ref: string, file: string): Promise<string> {
  return git(dir(repo), ["show", `${ref}:${file}`]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  world = await createWorld();
  await registerRepository(prisma, "payments-gitops", dir("payments-gitops"), "payments");
  await registerRepository(prisma, "fleet", dir("fleet"), null);
  const web = dir("web-infra");
  await mkdir(web, { recursive: true });
  await git(web, ["init", "-q", "-b", "main"]);
  await commitFiles(web, Object.fromEntries(loadFixture("fleet-infra")), "fleet-infra layout");
  await registerRepository(prisma, "web-infra", web, "web");
}, 180_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await world?.cleanup();
});

describe("bulk promotion", () => {
  it("refuses the whole request when one cell is not the user's, naming the cell, and writes nothing", async () => {
    const input = bulkPromotionSchema.parse({
      cells: [
        { repository: "payments-gitops", app: "checkout", from: "staging", to: "production" },
        { repository: "fleet", app: "auth", from: "staging", to: "production" },
      ],
    });
    const dana = member(["payments"]);
    const preview = await previewBulkPromotion(prisma, input, as(dana));
    expect(preview.repositories.find((r) => r.repository === "payments-gitops")?.forbidden).toBeNull();
    expect(preview.repositories.find((r) => r.repository === "fleet")?.forbidden).toMatch(/^auth in production \(fleet\): Dana Developer is not a member of team identity/);

    const refused = await openBulkPromotion(prisma, input, alice, as(dana)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as Error).message).toContain("auth in production (fleet)");
    expect(await prisma.changeRequest.count()).toBe(0);
    expect(await git(dir("payments-gitops"), ["branch", "--list", "ferry/*"])).toBe("");

    // Through the action chain: a refusal (403 through an API), recorded as denied; a viewer is refused before any planning.
    const viaAction = await openBulkPromotionAction.run(input, { actor: dana, prisma });
    expect(viaAction).toMatchObject({ ok: false, code: "forbidden", error: expect.stringContaining("auth in production (fleet)") });
    expect(await prisma.auditEvent.count({ where: { action: "deployment.promote-bulk", result: "denied" } })).toBe(1);
    const viewer = await openBulkPromotionAction.run(input, { actor: { ...dana, role: "VIEWER" }, prisma });
    expect(viewer).toMatchObject({ ok: false, code: "forbidden", error: expect.stringContaining("viewer") });
    expect(await prisma.changeRequest.count()).toBe(0);
  });

  it("opens one change request for two apps of one repository, skipping the cell already up to date with the reason", async () => {
    const main = await git(dir("payments-gitops"), ["rev-parse", "main"]);
    const input = bulkPromotionSchema.parse({
      cells: [
        { repository: "payments-gitops", app: "checkout", from: "staging", to: "production" },
        { repository: "payments-gitops", app: "invoices", from: "staging", to: "production" },
        { repository: "payments-gitops", app: "ledger", from: "staging", to: "production" },
      ],
    });
    const { repositories } = await openBulkPromotion(prisma, input, alice, admin);
    expect(repositories).toHaveLength(1);
    const [result] = repositories;
    if (!result || !("change" in result)) throw new Error(`expected a change, got ${result?.status}`);
    expect(result.status).toBe("opened");
    expect(result.plan.cells.map((c) => [c.cell.app, c.status])).toEqual([
      ["checkout", "included"],
      ["invoices", "included"],
      ["ledger", "up-to-date"],
    ]);
    const ledger = result.plan.cells.find((c) => c.cell.app === "ledger");
    expect(ledger && "reason" in ledger ? ledger.reason : "").toMatch(/production already runs .*1\.8\.2/);

    const branch = result.plan.branch;
    expect(await git(dir("payments-gitops"), ["rev-parse", `${branch}^`])).toBe(main);
    expect((await git(dir("payments-gitops"), ["diff", "--name-only", `main..${branch}`])).split("\n").sort()).toEqual([
      "apps/checkout/production/deployment.yaml",
      "apps/invoices/production/deployment.yaml",
    ]);
    expect(await show("payments-gitops", branch, "apps/checkout/production/deployment.yaml")).toContain("ghcr.io/acme/checkout:2.4.0");
    expect(await show("payments-gitops", branch, "apps/invoices/production/deployment.yaml")).toContain(":0.9.0");

    const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id: result.change.id } });
    expect(row.appName).toBeNull();
    expect(row.toEnv).toBe("production");
    expect((row.changeSet as { cells: unknown }).cells).toEqual([
      { app: "checkout", from: "staging", to: "production" },
      { app: "invoices", from: "staging", to: "production" },
    ]);
    // The merge is judged by the team its cells share and every environment it alters.
    expect(await changeResource(prisma, row.id)).toMatchObject({ team: "payments", env: "production" });

    // Each promoted cell shows the open change; the one left out does not.
    const matrix = await getMatrix(prisma, parseMatrixQuery({}));
    const cell = (app: string) => matrix.rows.find((r) => r.repository === "payments-gitops" && r.app === app)?.cells.production?.openChange?.id ?? null;
    expect(cell("checkout")).toBe(row.id);
    expect(cell("invoices")).toBe(row.id);
    expect(cell("ledger")).toBeNull();

    // Update on the current head plans every cell asked for again, the one left out included (same branch).
    expect(changeUpdateRequest({ ...row, repository: { name: "payments-gitops" } })).toEqual({
      kind: "BULK",
      request: bulkPromotionSchema.parse({ cells: ["checkout", "invoices", "ledger"].map((app) => ({ repository: "payments-gitops", app, from: "staging", to: "production" })) }),
    });

    // The same selection again is the same change request: identical, not a second one.
    const again = await openBulkPromotion(prisma, input, alice, admin);
    expect(again.repositories[0]?.status).toBe("identical");
    expect(await prisma.changeRequest.count({ where: { state: "OPEN" } })).toBe(1);
  });

  it("skips a cell another open change from Ferry already promotes, saying which", async () => {
    const input = bulkPromotionSchema.parse({ cells: [{ repository: "payments-gitops", app: "checkout", from: "staging", to: "production" }] });
    const preview = await previewBulkPromotion(prisma, input, admin);
    const [plan] = preview.repositories;
    expect(plan?.changeSet).toBeNull();
    expect(plan?.cells[0]).toMatchObject({ status: "open-change", reason: expect.stringMatching(/checkout in production already has an open change from Ferry \(payments-gitops#\d+\)/) });
  });

  it("refuses a single promotion of a cell an open bulk change holds, linking that change, and opens nothing", async () => {
    const bulk = await prisma.changeRequest.findFirstOrThrow({ where: { appName: null, state: "OPEN", repository: { name: "payments-gitops" } } });
    const single = promotionRequestSchema.parse({ repository: "payments-gitops", app: "checkout", from: "staging", to: "production" });
    const preview = await previewPromotion(prisma, single);
    expect(preview.heldBy).toEqual({ id: bulk.id, label: `payments-gitops#${bulk.number}` });
    expect(preview.plan).toEqual({ status: "refused", reason: expect.stringMatching(new RegExp(`^checkout in production is part of the open bulk change payments-gitops#${bulk.number}: .*Update or close`)) });

    const before = await prisma.changeRequest.count();
    const opened = await openPromotion(prisma, single, alice);
    expect(opened.status).toBe("refused");
    expect(await prisma.changeRequest.count()).toBe(before);
    expect(await git(dir("payments-gitops"), ["branch", "--list", "ferry/promote/checkout/production"])).toBe("");

    // A cell the bulk change does not hold is not refused for it.
    expect((await previewPromotion(prisma, { ...single, app: "invoices", to: "staging", from: "dev", allowFloating: true })).heldBy).toBeNull();
  });

  it("opens one change request per repository", async () => {
    const input = bulkPromotionSchema.parse({
      cells: [
        { repository: "fleet", app: "auth", from: "staging", to: "production" },
        { repository: "web-infra", app: "frontend", from: "staging", to: "production" },
      ],
    });
    const { repositories } = await openBulkPromotion(prisma, input, alice, admin);
    expect(repositories.map((r) => [r.repository, r.status])).toEqual([
      ["fleet", "opened"],
      ["web-infra", "opened"],
    ]);
    const ids = repositories.flatMap((r) => ("change" in r ? [r.change.id] : []));
    const rows = await prisma.changeRequest.findMany({ where: { id: { in: ids } }, include: { repository: { select: { name: true } } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.repository.name)).toEqual(["fleet", "web-infra"]);
    // Close them so the next test promotes frontend again.
    await prisma.changeRequest.updateMany({ where: { id: { in: ids } }, data: { state: "CLOSED" } });
  });

  it("composes two cells editing the same file into one edit holding both versions", async () => {
    const overlay = "apps/overlays/production/kustomization.yaml";
    const input = bulkPromotionSchema.parse({
      cells: [
        { repository: "web-infra", app: "frontend", from: "staging", to: "production" },
        { repository: "web-infra", app: "backend", from: "staging", to: "production" },
      ],
    });
    const { repositories } = await openBulkPromotion(prisma, input, alice, admin);
    const [result] = repositories;
    if (!result || !("change" in result)) throw new Error(`expected a change, got ${result?.status}`);
    expect(result.plan.cells.map((c) => c.status)).toEqual(["included", "included"]);
    expect(result.plan.changeSet?.edits.filter((e) => e.path === overlay)).toHaveLength(1);
    const images = (parseDocument(await show("web-infra", result.plan.branch, overlay)).toJS() as { images: { name: string; newTag: string }[] }).images;
    expect(Object.fromEntries(images.map((i) => [i.name, String(i.newTag)]))).toMatchObject({ "ghcr.io/acme/frontend": "1.2.0", "ghcr.io/acme/backend": "1.1.0" });
    expect(result.plan.affected.map((a) => `${a.app}/${a.env}`).sort()).toEqual(["backend/production", "frontend/production"]);
  });

  it("expands 'everything behind production' of a team to the apps whose production differs", async () => {
    const preview = await previewBulkPromotion(prisma, bulkPromotionSchema.parse({ behind: { team: "identity", to: "production" } }), admin);
    const cells = preview.repositories.flatMap((r) => r.cells.map((c) => `${r.repository}/${c.cell.app}:${c.cell.from}`));
    expect(cells.sort()).toEqual(["fleet/auth:staging", "fleet/profile:staging", "fleet/sessions:staging"]);
  });
});
