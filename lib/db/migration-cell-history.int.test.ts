import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from "./migrate.ts";
import { createEmptyDatabase } from "./testing/test-db.ts";

// 20261202181000_cell_history on a database that already holds cells: the two tables arrive empty,
// existing rows are untouched, and history and pins go with the cell, app or environment they belong to.
const MIGRATION = "20261202181000_cell_history";

let db: { connectionString: string; drop(): Promise<void> };
let client: pg.Client;
let dir: string;

beforeAll(async () => {
  db = await createEmptyDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "ferry-migrations-"));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true, filter: (src) => !src.includes(MIGRATION) });
  await applyMigrations(db.connectionString, { migrationsDir: dir });
  client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe(MIGRATION, () => {
  it("applies to an installation with cells, and history and pins follow their cell", async () => {
    await client.query(`INSERT INTO "Repository" ("id", "name", "provider", "url", "updatedAt") VALUES (1, 'plain', 'git', '/x', now())`);
    await client.query(`INSERT INTO "Environment" ("id", "name", "order") VALUES (1, 'dev', 0), (2, 'prod', 1)`);
    await client.query(`INSERT INTO "App" ("id", "repositoryId", "name", "path") VALUES (1, 1, 'shop', 'apps/shop')`);
    await client.query(`INSERT INTO "Deployment" ("id", "appId", "environmentId", "path", "versions", "errors") VALUES (1, 1, 1, 'apps/shop/dev', '[]', '[]'), (2, 1, 2, 'apps/shop/prod', '[]', '[]')`);

    const result = await applyMigrations(db.connectionString, { migrationsDir: DEFAULT_MIGRATIONS_DIR });
    expect(result.applied).toEqual([MIGRATION]);

    expect((await client.query(`SELECT count(*)::int AS n FROM "Deployment"`)).rows).toEqual([{ n: 2 }]);
    await client.query(`INSERT INTO "DeploymentHistory" ("deploymentId", "headSha", "entries", "updatedAt") VALUES (1, 'a', '[]', now()), (2, 'b', '[]', now())`);
    await client.query(
      `INSERT INTO "RollbackPin" ("appId", "environmentId", "version", "commitSha", "reason", "pinnedById", "pinnedByName") VALUES (1, 2, 'shop:1.0', 'c', 'bad release', 'u-alex', 'Alex')`,
    );
    const pin = (await client.query(`SELECT "pinnedAt" FROM "RollbackPin"`)).rows[0] as { pinnedAt: Date };
    expect(pin.pinnedAt).toBeInstanceOf(Date);

    await client.query(`DELETE FROM "Deployment" WHERE "id" = 1`);
    expect((await client.query(`SELECT "deploymentId" FROM "DeploymentHistory"`)).rows).toEqual([{ deploymentId: 2 }]);
    await expect(client.query(`INSERT INTO "DeploymentHistory" ("deploymentId", "headSha", "entries", "updatedAt") VALUES (99, 'x', '[]', now())`)).rejects.toThrow(/foreign key/);
    await client.query(`DELETE FROM "Environment" WHERE "id" = 2`);
    expect((await client.query(`SELECT count(*)::int AS n FROM "RollbackPin"`)).rows).toEqual([{ n: 0 }]);
    expect((await client.query(`SELECT count(*)::int AS n FROM "DeploymentHistory"`)).rows).toEqual([{ n: 0 }]);
  });
});
