import { cp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { DomainError } from "@/lib/actions/domain-error";
import { createApiToken } from "@/lib/auth/api-token";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { openPromotion, type OpenPromotionResult, type StoredChangeSet } from "./open-promotion";
import { promotionRequestSchema, type PromotionRequest } from "./promotion-request";
import { closeChange, mergeChange } from "./review-change";
import { commitFiles, createManyAppsRepository, createWorld, deploymentYaml, git, registerRepository, type PromotionWorld } from "./testing/promotion-fixture";

// Promotions end to end against real Postgres and real git repositories (the demo ones, replayed).

const alice = { id: "u-alice", name: "Alice Example", email: "alice@acme.example" };
const bob = { id: "u-bob", name: "Bob Reviewer", email: "bob@acme.example" };

let db: TestDatabase;
let prisma: PrismaClient;
let world: PrismaWorld;

interface PrismaWorld extends PromotionWorld {
  payments: string;
}

const request = (input: Record<string, unknown>): PromotionRequest => promotionRequestSchema.parse(input);

async function branchTip(dir: string, branch: string): Promise<string | null> {
  return git(dir, ["rev-parse", "--verify", "-q", `refs/heads/${branch}`]).catch(() => null);
}

async function fileAt(dir: string, ref: string, file: string): Promise<string> {
  return git(dir, ["show", `${ref}:${file}`]).then((s) => `${s}\n`);
}

function changed(result: OpenPromotionResult) {
  if (!("change" in result)) throw new Error(`expected a change, got ${result.status}`);
  return result;
}

beforeAll(async () => {
  db = await createTestDatabase();
  // The git provider records change requests through the process-wide client: point it at this database.
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

describe("openPromotion on the payments demo repository", () => {
  const checkout = request({ repository: "payments-gitops", app: "checkout", from: "staging", to: "production" });
  const branch = "ferry/promote/checkout/production";
  const file = "apps/checkout/production/deployment.yaml";

  it("opens a change: a branch with exactly the planned commit and an OPEN row", async () => {
    const main = await git(world.payments, ["rev-parse", "main"]);
    const result = changed(await openPromotion(prisma, checkout, alice));
    expect(result.status).toBe("opened");
    expect(result.baseSha).toBe(main);

    const tip = await branchTip(world.payments, branch);
    expect(await git(world.payments, ["rev-parse", `${tip}^`])).toBe(main);
    expect(await git(world.payments, ["rev-list", "--count", `main..${branch}`])).toBe("1");
    expect((await git(world.payments, ["diff", "--name-only", `main..${branch}`])).split("\n")).toEqual([file]);
    const edit = result.plan.changeSet.edits[0];
    expect(edit?.path).toBe(file);
    expect(await fileAt(world.payments, branch, file)).toBe(edit?.content);
    expect(edit?.content).toContain("image: ghcr.io/acme/checkout:2.4.0");

    const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id: result.change.id } });
    expect(row).toMatchObject({ state: "OPEN", kind: "PROMOTION", number: 1, appName: "checkout", fromEnv: "staging", toEnv: "production", branch, baseSha: main, headSha: tip, authorId: alice.id });
    const stored = row.changeSet as unknown as StoredChangeSet;
    expect(stored.edits).toEqual([{ path: file, action: "update" }]);
    expect(stored.fields).toEqual([expect.objectContaining({ from: "2.3.1", to: "2.4.0" })]);
    expect(stored.diff).toBe(result.plan.changeSet.diff);
  });

  it("promoting again is identical; after the source moves it updates the same row", async () => {
    const first = await prisma.changeRequest.findFirstOrThrow({ where: { branch } });
    const again = changed(await openPromotion(prisma, checkout, alice));
    expect(again.status).toBe("identical");
    expect(again.change.id).toBe(first.id);
    expect(await branchTip(world.payments, branch)).toBe(first.headSha);

    const staging = await readFile(path.join(world.payments, "apps/checkout/staging/deployment.yaml"), "utf8");
    const newMain = await commitFiles(world.payments, { "apps/checkout/staging/deployment.yaml": staging.replace("checkout:2.4.0", "checkout:2.5.0") }, "checkout 2.5.0 to staging");
    const updated = changed(await openPromotion(prisma, checkout, alice));
    expect(updated.status).toBe("updated");
    expect(updated.change.id).toBe(first.id);
    const tip = await branchTip(world.payments, branch);
    expect(tip).not.toBe(first.headSha);
    expect(await git(world.payments, ["rev-parse", `${tip}^`])).toBe(newMain);
    expect(await fileAt(world.payments, branch, file)).toContain("image: ghcr.io/acme/checkout:2.5.0");

    const rows = await prisma.changeRequest.findMany({ where: { branch } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.id, state: "OPEN", baseSha: newMain, headSha: tip });
    expect((rows[0]?.changeSet as unknown as StoredChangeSet).fields).toEqual([expect.objectContaining({ from: "2.3.1", to: "2.5.0" })]);
  });

  it("an expectedBaseSha older than the head is base-moved, and nothing is written", async () => {
    const first = await git(world.payments, ["rev-list", "--max-parents=0", "main"]);
    const rowsBefore = await prisma.changeRequest.count();
    const result = await openPromotion(prisma, request({ repository: "payments-gitops", app: "invoices", from: "staging", to: "production", expectedBaseSha: first }), alice);
    expect(result.status).toBe("base-moved");
    if (result.status !== "base-moved") return;
    expect(result.preview.baseSha).toBe(await git(world.payments, ["rev-parse", "main"]));
    expect(result.preview.plan.status).toBe("changes");
    expect(await branchTip(world.payments, "ferry/promote/invoices/production")).toBeNull();
    expect(await prisma.changeRequest.count()).toBe(rowsBefore);
  });

  it("merging moves main to include the change and the next sync shows the new version", async () => {
    const row = await prisma.changeRequest.findFirstOrThrow({ where: { branch, state: "OPEN" } });
    const merged = await mergeChange(prisma, row.id, bob);
    expect(merged.number).toBe(row.number);
    await git(world.payments, ["merge-base", "--is-ancestor", row.headSha ?? "", "main"]);
    expect(await readFile(path.join(world.payments, file), "utf8")).toContain("checkout:2.5.0");
    // Who merged, and the commit that reached main, are kept next to the reviewed head.
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      state: "MERGED",
      mergedAt: expect.any(Date),
      mergedById: bob.id,
      headSha: row.headSha,
      mergeCommitSha: await git(world.payments, ["rev-parse", "main"]),
    });

    await syncRepositoryNow(prisma, "payments-gitops");
    const cell = await prisma.deployment.findFirstOrThrow({ where: { app: { name: "checkout", repository: { name: "payments-gitops" } }, environment: { name: "production" } } });
    expect(JSON.stringify(cell.versions)).toContain("2.5.0");
    // Nothing left to promote: the target runs what the source runs.
    expect((await openPromotion(prisma, checkout, alice)).status).toBe("up-to-date");
  });
});

describe("bad input", () => {
  it("names an unknown app or environment", async () => {
    await expect(openPromotion(prisma, request({ repository: "payments-gitops", app: "nope", from: "staging", to: "production" }), alice)).rejects.toThrow(
      new DomainError("There is no app nope in repository payments-gitops."),
    );
    await expect(openPromotion(prisma, request({ repository: "payments-gitops", app: "ledger", from: "staging", to: "qa" }), alice)).rejects.toThrow(/ledger has no qa environment/);
    await expect(openPromotion(prisma, request({ repository: "payments-gitops", app: "ledger", from: "canary", to: "production" }), alice)).rejects.toThrow(/ledger has no canary environment/);
    await expect(openPromotion(prisma, request({ repository: "elsewhere", app: "ledger", from: "staging", to: "production" }), alice)).rejects.toThrow(/elsewhere is not configured/);
  });

  it("refuses promoting an environment onto itself", async () => {
    const result = await openPromotion(prisma, request({ repository: "payments-gitops", app: "invoices", from: "staging", to: "staging" }), alice);
    expect(result.status).toBe("refused");
    if (result.status === "refused") expect(result.preview.plan).toMatchObject({ reason: expect.stringContaining("same environment") });
  });

  it("a repository deleted under us is a clear error and leaves nothing behind", async () => {
    const dir = path.join(world.root, "doomed");
    await cp(world.payments, dir, { recursive: true });
    await registerRepository(prisma, "doomed", dir, "payments");
    await rm(dir, { recursive: true, force: true });
    const attempt = openPromotion(prisma, request({ repository: "doomed", app: "invoices", from: "staging", to: "production" }), alice);
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toThrow(/doomed could not be read.*Nothing was changed/s);
    expect(await prisma.changeRequest.count({ where: { repository: { name: "doomed" } } })).toBe(0);
  });

  it("a target file that no longer parses is refused, naming the file", async () => {
    const dir = path.join(world.root, "broken");
    await cp(world.payments, dir, { recursive: true });
    await registerRepository(prisma, "broken", dir, "payments");
    const target = "apps/invoices/production/deployment.yaml";
    const good = await readFile(path.join(dir, target), "utf8");
    await commitFiles(dir, { [target]: `${good}\n  bad: [unclosed\n` }, "break production");
    const result = await openPromotion(prisma, request({ repository: "broken", app: "invoices", from: "staging", to: "production" }), alice);
    expect(result.status).toBe("refused");
    if (result.status !== "refused" || result.preview.plan.status !== "refused") throw new Error("expected a refused plan");
    expect(result.preview.plan.reason).toContain(`${target}:`);
    expect(result.preview.plan.reason).toContain("Fix the file first");
    expect(await branchTip(dir, "ferry/promote/invoices/production")).toBeNull();
    expect(await prisma.changeRequest.count({ where: { repository: { name: "broken" } } })).toBe(0);
  });
});

describe("concurrency", () => {
  const APPS = 10;
  let dir: string;

  beforeAll(async () => {
    dir = path.join(world.root, "many");
    await createManyAppsRepository(dir, APPS);
    await registerRepository(prisma, "many", dir, "payments");
  }, 60_000);

  it("20 simultaneous promotions of 10 apps open exactly 10 change requests, none lost", async () => {
    const requests = Array.from({ length: APPS * 2 }, (_, i) => request({ repository: "many", app: `app-${i % APPS}`, from: "staging", to: "production" }));
    const settled = await Promise.allSettled(requests.map((r) => openPromotion(prisma, r, alice)));
    const failures = settled.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : []));
    expect(failures).toEqual([]);
    const results = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const byApp = new Map<string, string[]>();
    results.forEach((r, i) => byApp.set(requests[i]!.app, [...(byApp.get(requests[i]!.app) ?? []), r.status].sort()));
    for (let i = 0; i < APPS; i++) expect(byApp.get(`app-${i}`)).toEqual(["identical", "opened"]);

    const rows = await prisma.changeRequest.findMany({ where: { repository: { name: "many" } }, orderBy: { number: "asc" } });
    expect(rows.filter((r) => r.state === "OPEN")).toHaveLength(APPS);
    expect(rows).toHaveLength(APPS);
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: APPS }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.appName)).size).toBe(APPS);

    const branches = (await git(dir, ["for-each-ref", "--format=%(refname:short)", "refs/heads/ferry/"])).split("\n").filter(Boolean);
    expect(branches.sort()).toEqual(Array.from({ length: APPS }, (_, i) => `ferry/promote/app-${i}/production`).sort());
    for (let i = 0; i < APPS; i++) {
      const b = `ferry/promote/app-${i}/production`;
      const row = rows.find((r) => r.branch === b);
      expect(await branchTip(dir, b)).toBe(row?.headSha);
      const files = (await git(dir, ["diff", "--name-only", `main..${b}`])).split("\n");
      expect(files).toEqual([`apps/app-${i}/production/deployment.yaml`]);
      for (const f of files) {
        const content = await fileAt(dir, b, f);
        expect(parseDocument(content).errors).toEqual([]);
        // No lost update: the branch carries its own app's staging version, nobody else's.
        expect(content).toBe(deploymentYaml(`app-${i}`, "production", `1.${i}.1`));
      }
    }
  }, 120_000);

  it("closing deletes the branch and marks the change CLOSED", async () => {
    const row = await prisma.changeRequest.findFirstOrThrow({ where: { repository: { name: "many" }, appName: "app-0" } });
    await closeChange(prisma, row.id, bob);
    expect(await branchTip(dir, row.branch)).toBeNull();
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: "CLOSED", closedAt: expect.any(Date), closedById: bob.id });
    // Promoting again after a close opens a new change request on a fresh branch.
    const again = changed(await openPromotion(prisma, request({ repository: "many", app: "app-0", from: "staging", to: "production" }), alice));
    expect(again.status).toBe("opened");
    expect(again.change.id).not.toBe(row.id);
  });
});

describe("POST /api/v1/promotions", () => {
  const body = { repository: "payments-gitops", app: "invoices", from: "staging", to: "production" };
  const post = async (init: { token?: string; body: string }) => {
    const { POST } = await import("@/app/api/v1/promotions/route");
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    return POST(new Request("http://ferry.test/api/v1/promotions", { method: "POST", headers, body: init.body }));
  };

  it("opens the change for a token of the app's team (201)", async () => {
    const { token } = await createApiToken(prisma, { name: "payments CI", teams: ["payments"], createdById: null });
    const response = await post({ token, body: JSON.stringify(body) });
    const json = (await response.json()) as { ok: boolean; status: string; change: { id: number; number: number; link: string }; plan: { title: string } };
    expect(response.status).toBe(201);
    expect(json).toMatchObject({ ok: true, status: "opened", plan: { title: expect.stringContaining("Promote invoices to production") } });
    expect(json.change.link).toBe(`http://ferry.test/changes/${json.change.id}`);
    const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id: json.change.id } });
    expect(row).toMatchObject({ state: "OPEN", appName: "invoices", authorId: expect.stringMatching(/^token:/) });

    const again = await post({ token, body: JSON.stringify(body) });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "identical" });

    const same = await post({ token, body: JSON.stringify({ ...body, to: "staging" }) });
    expect(same.status).toBe(422);
    expect(await same.json()).toMatchObject({ ok: false, status: "refused", error: expect.stringContaining("same environment") });
  });

  it("refuses a token of another team (403), no credentials (401) and malformed JSON (400)", async () => {
    const other = await createApiToken(prisma, { name: "identity CI", teams: ["identity"], createdById: null });
    const forbidden = await post({ token: other.token, body: JSON.stringify({ ...body, app: "ledger" }) });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ ok: false, code: "forbidden", error: expect.stringContaining("not a member of team payments") });

    const anonymous = await post({ body: JSON.stringify(body) });
    expect(anonymous.status).toBe(401);

    const { token } = await createApiToken(prisma, { name: "payments CI 2", teams: ["payments"], createdById: null });
    const malformed = await post({ token, body: "{ not json" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ ok: false, code: "invalid", error: expect.stringContaining("not valid JSON") });

    const invalid = await post({ token, body: JSON.stringify({ ...body, app: "../etc" }) });
    expect(invalid.status).toBe(400);
    expect(await prisma.changeRequest.count({ where: { appName: "ledger" } })).toBe(0);
  });

  it("answers 409 with the new plan when the base moved", async () => {
    const { token } = await createApiToken(prisma, { name: "payments CI 3", teams: ["payments"], createdById: null });
    const first = await git(world.payments, ["rev-list", "--max-parents=0", "main"]);
    const response = await post({ token, body: JSON.stringify({ ...body, app: "invoices", from: "dev", to: "staging", allowDowngrade: true, expectedBaseSha: first }) });
    const json = (await response.json()) as { status: string; baseSha: string; plan: { status: string } };
    expect(response.status).toBe(409);
    expect(json.status).toBe("base-moved");
    expect(json.baseSha).toBe(await git(world.payments, ["rev-parse", "main"]));
  });
});
