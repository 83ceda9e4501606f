import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { getChangeDetail } from "@/lib/data/changes";
import { nowOnHead } from "@/lib/data/change-now";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { openPromotion, type OpenPromotionResult } from "./open-promotion";
import { promotionRequestSchema } from "./promotion-request";
import { refreshOpenChanges } from "./refresh-change";
import { mergeChange } from "./review-change";
import { reviewedVersion } from "./reviewed-version";
import { commitFiles, createWorld, git, registerRepository, type PromotionWorld } from "./testing/promotion-fixture";
import { ForbiddenError } from "@/lib/auth/errors";
import { bulkPromotionSchema, openBulkPromotion, type CellAuthorizer } from "./bulk-promotion";
import { readChangeUpdateRequest, updateChangeOnHead } from "./update-change";

// Conflicts and "update this change on the current head" on the plain git provider: the poll's local
// merge check (merge-tree) marks a change whose base moved under its file, and the update re-plans the
// same promotion on the current head, on the same branch and row, without letting a reviewer of the
// old diff merge the new one.

const alice = { id: "u-alice", name: "Alice Example", email: "alice@acme.example" };
const bob = { id: "u-bob", name: "Bob Reviewer", email: "bob@acme.example" };
const carol = { id: "u-carol", name: "Carol Platform", email: "carol@acme.example" };
const FILE = "apps/checkout/production/deployment.yaml";
const BRANCH = "ferry/promote/checkout/production";

let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld & { payments: string };

const checkout = promotionRequestSchema.parse({ repository: "payments-gitops", app: "checkout", from: "staging", to: "production" });

function changed(result: OpenPromotionResult) {
  if (!("change" in result)) throw new Error(`expected a change, got ${result.status}`);
  return result;
}

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  const base = await createWorld();
  world = { ...base, payments: path.join(base.repos, "payments-gitops") };
  await registerRepository(prisma, "payments-gitops", world.payments, "payments");
}, 120_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await world?.cleanup();
});

describe("a change whose base moved under its file (plain git)", () => {
  let id: number;
  let seenBefore: ReturnType<typeof reviewedVersion>;

  it("is marked conflict by the poll's merge check, and the change page says the base moved and shows the new Now", async () => {
    const opened = changed(await openPromotion(prisma, checkout, alice));
    id = opened.change.id;
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ conflict: false });
    seenBefore = reviewedVersion(await prisma.changeRequest.findUniqueOrThrow({ where: { id } }));

    // Someone edits the same line on main: the change no longer merges.
    const production = await readFile(path.join(world.payments, FILE), "utf8");
    const moved = await commitFiles(world.payments, { [FILE]: production.replace("checkout:2.3.1", "checkout:2.3.2") }, "hotfix checkout 2.3.2 in production");
    await syncRepositoryNow(prisma, "payments-gitops");
    await refreshOpenChanges(prisma);

    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "OPEN", conflict: true });
    const detail = await getChangeDetail(prisma, id);
    expect(detail).toMatchObject({ conflict: true, baseMovedTo: moved });
    expect(await nowOnHead(prisma, detail!)).toEqual([expect.objectContaining({ plannedFrom: "2.3.1", now: "2.3.2", to: "2.4.0" })]);
  });

  it("updates on the current head: same branch and row, new base, recorded who and on which commit", async () => {
    const main = await git(world.payments, ["rev-parse", "main"]);
    const updated = await updateChangeOnHead(prisma, id, carol);
    expect(updated).toMatchObject({ status: "updated", baseSha: main, reviewersTold: "no-thread" });

    const tip = await git(world.payments, ["rev-parse", BRANCH]);
    expect(await git(world.payments, ["rev-parse", `${tip}^`])).toBe(main);
    const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ state: "OPEN", number: 1, baseSha: main, headSha: tip, conflict: false, replannedOnSha: main, replannedById: carol.id, replannedAt: expect.any(Date) });
    expect(await prisma.changeRequest.count({ where: { branch: BRANCH } })).toBe(1);
    expect((row.changeSet as { fields: unknown[] }).fields).toEqual([expect.objectContaining({ from: "2.3.2", to: "2.4.0" })]);
    expect(await getChangeDetail(prisma, id)).toMatchObject({ baseMovedTo: null, replanned: { sha: main, by: carol.id } });
  });

  it("a reviewer who saw the old diff cannot merge the updated one; reviewing again can", async () => {
    await expect(mergeChange(prisma, id, bob, seenBefore)).rejects.toThrow(/updated after you opened it: review it again/);
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "OPEN" });
    const seenNow = reviewedVersion(await prisma.changeRequest.findUniqueOrThrow({ where: { id } }));
    await mergeChange(prisma, id, bob, seenNow);
    expect(await readFile(path.join(world.payments, FILE), "utf8")).toContain("checkout:2.4.0");
  });
});

describe("update on the current head never overwrites someone else's commit (plain git)", () => {
  it("refuses with a clear message when the branch tip is not a commit Ferry made, and leaves the branch alone", async () => {
    const invoices = promotionRequestSchema.parse({ repository: "payments-gitops", app: "invoices", from: "staging", to: "production" });
    const opened = changed(await openPromotion(prisma, invoices, alice));
    const branch = "ferry/promote/invoices/production";
    // Someone pushes a fix of their own onto Ferry's branch.
    await git(world.payments, ["checkout", "-q", branch]);
    const theirs = await commitFiles(world.payments, { "apps/invoices/production/NOTES.md": "hand-made fix\n" }, "a fix by hand");
    await git(world.payments, ["checkout", "-q", "main"]);
    await commitFiles(world.payments, { "README-ops.md": "moved\n" }, "main moves on");
    await syncRepositoryNow(prisma, "payments-gitops");

    await expect(updateChangeOnHead(prisma, opened.change.id, carol)).rejects.toThrow(new RegExp(`Branch ${branch} of payments-gitops has a commit Ferry did not write \\(${theirs.slice(0, 12)}\\), so Ferry did not overwrite it`));
    expect(await git(world.payments, ["rev-parse", branch])).toBe(theirs);
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id: opened.change.id } })).toMatchObject({ replannedOnSha: null });
  });

  it("refuses a change that is no longer open", async () => {
    const merged = await prisma.changeRequest.findFirstOrThrow({ where: { branch: BRANCH } });
    await expect(updateChangeOnHead(prisma, merged.id, carol)).rejects.toThrow(/already merged: there is nothing to update/);
  });
});

describe("a bulk change whose base moved under one of its files (plain git)", () => {
  const AUTH = "apps/auth/overlays/production/kustomization.yaml";
  const SESSIONS = "apps/sessions/overlays/production/kustomization.yaml";
  const cells = [
    { repository: "fleet", app: "auth", from: "staging", to: "production" },
    { repository: "fleet", app: "sessions", from: "staging", to: "production" },
  ];
  const everyone = () => ({ allowed: true as const });
  let fleet: string;
  let id: number;
  let branch: string;

  async function moveMain(tag: string, message: string): Promise<string> {
    const file = await readFile(path.join(fleet, AUTH), "utf8");
    const sha = await commitFiles(fleet, { [AUTH]: file.replace(/newTag: \S+/, `newTag: ${tag}`) }, message);
    await syncRepositoryNow(prisma, "fleet");
    return sha;
  }

  it("is marked conflict by the poll's merge check, like a single promotion", async () => {
    fleet = path.join(world.repos, "fleet");
    await registerRepository(prisma, "fleet", fleet, null);
    const { repositories } = await openBulkPromotion(prisma, bulkPromotionSchema.parse({ cells }), alice, everyone);
    const [opened] = repositories;
    if (!opened || !("change" in opened)) throw new Error(`expected a change, got ${opened?.status}`);
    id = opened.change.id;
    branch = opened.plan.branch;
    expect(opened.plan.cells.map((c) => [c.cell.app, c.status])).toEqual([
      ["auth", "included"],
      ["sessions", "included"],
    ]);

    const moved = await moveMain("3.0.5", "hotfix auth 3.0.5 in production");
    await refreshOpenChanges(prisma);
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "OPEN", conflict: true });
    // The change page says the base moved and shows each cell's new "Now": auth's moved, sessions' did not.
    const detail = await getChangeDetail(prisma, id);
    expect(detail).toMatchObject({ conflict: true, baseMovedTo: moved });
    expect(await nowOnHead(prisma, detail!)).toEqual([
      expect.objectContaining({ file: AUTH, plannedFrom: "3.0.4", now: "3.0.5", to: "3.1.0" }),
      expect.objectContaining({ file: SESSIONS, plannedFrom: "0.11.0", now: "0.11.0", to: "0.12.0" }),
    ]);
    // Update on the current head plans every cell it was asked for again, not one cell.
    expect(await readChangeUpdateRequest(prisma, id)).toEqual({ kind: "BULK", request: bulkPromotionSchema.parse({ cells }) });
  });

  it("is refused to someone the policy refuses a cell of, naming it, and nothing is written", async () => {
    const tip = await git(fleet, ["rev-parse", branch]);
    const notIdentity: CellAuthorizer = (r) => ({ allowed: false, reason: `Carol is not a member of team ${r.team}` });
    const refused = await updateChangeOnHead(prisma, id, carol, { authorizeCell: notIdentity }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as Error).message).toMatch(/^auth in production \(fleet\): Carol is not a member of team identity/);
    expect(await git(fleet, ["rev-parse", branch])).toBe(tip);
  });

  it("updates every cell on the current head: same branch and row, both files, the moved one from its new version", async () => {
    const main = await git(fleet, ["rev-parse", "main"]);
    const updated = await updateChangeOnHead(prisma, id, carol, { authorizeCell: everyone });
    expect(updated).toMatchObject({ status: "updated", baseSha: main, reviewersTold: "no-thread" });

    const tip = await git(fleet, ["rev-parse", branch]);
    expect(await git(fleet, ["rev-parse", `${tip}^`])).toBe(main);
    expect((await git(fleet, ["diff", "--name-only", `main..${branch}`])).split("\n").sort()).toEqual([AUTH, SESSIONS]);
    expect(await git(fleet, ["show", `${branch}:${AUTH}`])).toMatch(/newTag: 3\.1\.0/);
    expect(await git(fleet, ["show", `${branch}:${SESSIONS}`])).toMatch(/newTag: 0\.12\.0/);
    const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ state: "OPEN", baseSha: main, headSha: tip, conflict: false, replannedOnSha: main, replannedById: carol.id });
    expect(await prisma.changeRequest.count({ where: { branch } })).toBe(1);
    const fields = (row.changeSet as { fields: { file: string; from: string; to: string }[] }).fields;
    expect(fields.find((f) => f.file === AUTH)).toMatchObject({ from: "3.0.5", to: "3.1.0" });
    expect(fields.find((f) => f.file === SESSIONS)).toMatchObject({ from: "0.11.0", to: "0.12.0" });
  });

  it("refuses when a cell it held would need a decision on the new head (here a downgrade), naming it, and writes nothing", async () => {
    await moveMain("3.2.0", "auth 3.2.0 straight to production");
    const tip = await git(fleet, ["rev-parse", branch]);
    await expect(updateChangeOnHead(prisma, id, carol, { authorizeCell: everyone })).rejects.toThrow(/was not updated: on the current head auth → production needs a decision: .*Plan the cells again from the matrix/);
    expect(await git(fleet, ["rev-parse", branch])).toBe(tip);
  });
});
