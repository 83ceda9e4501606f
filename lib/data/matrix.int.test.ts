import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoRepositories } from "@/lib/demo/create-demo-repos";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { syncAllRepositories } from "@/lib/sync/sync-now";
import { getMatrix } from "./matrix";
import { parseMatrixQuery } from "./matrix-query";

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "ferry-matrix-"));
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = dir;
  for (const repo of await createDemoRepositories({ targetDir: path.join(dir, "repos") })) {
    await db.prisma.repository.create({ data: { name: repo.name, provider: "git", url: repo.path, team: repo.name === "payments-gitops" ? "payments" : null } });
  }
  await syncAllRepositories(db.prisma);
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const apps = async (params: Record<string, string>) => (await getMatrix(db.prisma, parseMatrixQuery(params))).rows.map((r) => r.app);

describe("the matrix, read from the cache", () => {
  it("lists every app grouped by team, environments in promotion order", async () => {
    const matrix = await getMatrix(db.prisma, parseMatrixQuery({}));
    expect(matrix.environments.map((e) => [e.name, e.protected])).toEqual([
      ["dev", false],
      ["staging", false],
      ["production", true],
    ]);
    expect(matrix.rows.map((r) => `${r.team ?? "-"}/${r.app}`)).toEqual([
      "identity/auth",
      "identity/profile",
      "identity/sessions",
      "payments/checkout",
      "payments/invoices",
      "payments/ledger",
      "search/indexer",
      "search/search-api",
      "-/ingress-nginx",
    ]);
    expect(matrix.total).toBe(9);
    const checkout = matrix.rows.find((r) => r.app === "checkout");
    expect(checkout?.cells.production).toMatchObject({ drift: "behind", previousEnv: "staging", versions: [{ value: "2.3.1" }] });
  });

  it("searches app, team, repository and version values", async () => {
    expect(await apps({ q: "3.2.0" })).toEqual(["auth"]);
    expect(await apps({ q: "PAYMENTS" })).toEqual(["checkout", "invoices", "ledger"]);
    expect(await apps({ q: "ingress" })).toEqual(["ingress-nginx"]);
    expect(await apps({ q: "100%_" })).toEqual([]);
  });

  it("filters by team, environment and drift", async () => {
    expect(await apps({ team: "search" })).toEqual(["indexer", "search-api"]);
    expect(await apps({ drift: "1", env: "production" })).not.toContain("ledger");
    expect(await apps({ drift: "1", env: "production" })).toContain("checkout");
    const prodOnly = await getMatrix(db.prisma, parseMatrixQuery({ env: "production" }));
    expect(prodOnly.environments.map((e) => e.name)).toEqual(["production"]);
  });

  it("pages past the last row without failing", async () => {
    const beyond = await getMatrix(db.prisma, parseMatrixQuery({ page: "5" }));
    expect(beyond).toMatchObject({ rows: [], total: 9, page: 5 });
  });
});
