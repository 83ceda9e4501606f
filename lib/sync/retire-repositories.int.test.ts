import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap } from "@/lib/bootstrap";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { listRepositories } from "@/lib/data/repositories";
import { getMatrix } from "@/lib/data/matrix";
import type { MatrixQuery } from "@/lib/data/matrix-query";
import { openPromotion } from "@/lib/changes/open-promotion";
import { promotionRequestSchema } from "@/lib/changes/promotion-request";
import { closeChange, mergeChange } from "@/lib/changes/review-change";
import { createWorld, git, type PromotionWorld } from "@/lib/changes/testing/promotion-fixture";
import { archivedRepositoryMessage } from "./retire-repositories";
import { syncAllRepositories, syncRepositoryNow } from "./sync-now";

// A repository removed from the configuration, end to end: the real bootstrap with FERRY_REPOSITORIES,
// real git repositories (the demo ones) and real Postgres. It is archived, not synced, not in the
// matrix, refused for every write (its git branches stay untouched), its change requests kept; and it
// comes back whole when configured again.

const alice = { id: "u-alice", name: "Alice Example", email: "alice@acme.example" };
const saved = { ...process.env };
let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld;
const logged: string[] = [];

function configure(names: string[]) {
  process.env.FERRY_REPOSITORIES = JSON.stringify(
    names.map((name) => ({ name, provider: "git", url: path.join(world.repos, name), branch: "main", ...(name === "payments-gitops" ? { team: "payments" } : {}) })),
  );
}

async function start() {
  await bootstrap({ connectionString: db.connectionString, dataDir: path.join(world.root, "data"), log: (line) => logged.push(line) });
}

const ALL: MatrixQuery = { team: null, app: null, envs: [], q: null, onlyDrift: false, page: 1 };
const refs = (dir: string) => git(dir, ["for-each-ref", "--format=%(refname) %(objectname)"]);

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  delete process.env.FERRY_CONFIG;
  prisma = getPrisma();
  world = await createWorld();
}, 120_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await world?.cleanup();
  process.env = saved;
});

describe("a repository removed from the configuration", () => {
  let changeId: number;
  const payments = () => path.join(world.repos, "payments-gitops");

  it("is synced, listed and writable while configured", async () => {
    configure(["payments-gitops", "platform"]);
    await start();
    const opened = await openPromotion(prisma, promotionRequestSchema.parse({ repository: "payments-gitops", app: "checkout", from: "staging", to: "production" }), alice);
    if (!("change" in opened)) throw new Error(`expected a change, got ${opened.status}`);
    changeId = opened.change.id;
    const matrix = await getMatrix(prisma, ALL);
    expect(matrix.rows.map((r) => r.repository)).toContain("payments-gitops");
  });

  it("is archived at the next start: no longer synced, not in the matrix, listed as archived, its change request kept", async () => {
    const before = await refs(payments());
    configure(["platform"]);
    await start();
    expect(logged.some((l) => l.includes("archived payments-gitops"))).toBe(true);

    const row = await prisma.repository.findUniqueOrThrow({ where: { name: "payments-gitops" }, include: { _count: { select: { apps: true, files: true, changeRequests: true } } } });
    expect(row.archivedAt).toBeInstanceOf(Date);
    expect(row._count).toEqual({ apps: 0, files: 0, changeRequests: 1 });
    expect(row.headSha).toBeNull();

    expect((await syncAllRepositories(prisma)).map((r) => r.repository)).toEqual(["platform"]);
    await expect(syncRepositoryNow(prisma, "payments-gitops")).rejects.toThrow(archivedRepositoryMessage("payments-gitops"));

    const matrix = await getMatrix(prisma, ALL);
    expect(matrix.rows.length).toBeGreaterThan(0);
    expect(matrix.rows.map((r) => r.repository)).not.toContain("payments-gitops");

    const listed = await listRepositories(prisma);
    expect(listed.map((r) => [r.name, r.archivedAt !== null])).toEqual([["platform", false], ["payments-gitops", true]]);
    expect(await refs(payments())).toBe(before);
  });

  it("refuses every write with a clear message and leaves the git repository as it was", async () => {
    const before = await refs(payments());
    const message = archivedRepositoryMessage("payments-gitops");
    await expect(openPromotion(prisma, promotionRequestSchema.parse({ repository: "payments-gitops", app: "checkout", from: "dev", to: "staging" }), alice)).rejects.toThrow(message);
    await expect(mergeChange(prisma, changeId, alice)).rejects.toThrow(message);
    await expect(closeChange(prisma, changeId, alice)).rejects.toThrow(message);
    expect(await refs(payments())).toBe(before);
    expect((await prisma.changeRequest.findUniqueOrThrow({ where: { id: changeId } })).state).toBe("OPEN");
  });

  it("comes back whole when configured again", async () => {
    configure(["payments-gitops", "platform"]);
    await start();
    const row = await prisma.repository.findUniqueOrThrow({ where: { name: "payments-gitops" }, include: { _count: { select: { apps: true } } } });
    expect(row.archivedAt).toBeNull();
    expect(row.headSha).toMatch(/^[0-9a-f]{40}$/);
    expect(row._count.apps).toBeGreaterThan(0);
    const matrix = await getMatrix(prisma, ALL);
    expect(matrix.rows.map((r) => r.repository)).toContain("payments-gitops");
  });
});
