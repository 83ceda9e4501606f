import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from "./migrate.ts";
import { createEmptyDatabase } from "./testing/test-db.ts";

// 20261202180000_repository_protected_environments on a database that already holds a synced cache:
// until a repository syncs again, it keeps protecting the protected environments it has cells in.
const MIGRATION = "20261202180000_repository_protected_environments";

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
  it("lists, per repository, the protected environments it has cells in", async () => {
    await client.query(`INSERT INTO "Repository" ("id", "name", "provider", "url", "updatedAt") VALUES (1, 'a', 'git', '/a', now()), (2, 'b', 'git', '/b', now()), (3, 'empty', 'git', '/c', now())`);
    await client.query(`INSERT INTO "Environment" ("id", "name", "order", "protected") VALUES (1, 'dev', 0, false), (2, 'staging', 1, true), (3, 'production', 2, true)`);
    await client.query(`INSERT INTO "App" ("id", "repositoryId", "name", "path") VALUES (1, 1, 'web', 'apps/web'), (2, 2, 'api', 'apps/api')`);
    const cell = (app: number, env: number) =>
      client.query(`INSERT INTO "Deployment" ("appId", "environmentId", "path", "versions", "errors") VALUES ($1, $2, 'p', '[]', '[]')`, [app, env]);
    await cell(1, 1);
    await cell(1, 2);
    await cell(1, 3);
    await cell(2, 1);
    await cell(2, 3);

    const result = await applyMigrations(db.connectionString, { migrationsDir: DEFAULT_MIGRATIONS_DIR });
    expect(result.applied).toContain(MIGRATION);

    const rows = (await client.query(`SELECT "name", "protectedEnvironments" FROM "Repository" ORDER BY "id"`)).rows;
    expect(rows).toEqual([
      { name: "a", protectedEnvironments: ["production", "staging"] },
      { name: "b", protectedEnvironments: ["production"] },
      { name: "empty", protectedEnvironments: [] },
    ]);
  });
});
