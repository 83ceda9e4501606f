import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from "./migrate.ts";
import { createEmptyDatabase } from "./testing/test-db.ts";

// 20261202180500_api_token_expiry on a database with tokens that never expired: they keep working for
// the default lifetime from the upgrade (an expiry in the past would stop CI without warning).
const MIGRATION = "20261202180500_api_token_expiry";

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
  it("gives every live token the default lifetime from now, and leaves revoked ones alone", async () => {
    await client.query(`INSERT INTO "ApiToken" ("id", "name", "tokenHash", "createdAt") VALUES (1, 'old', 'h1', now() - interval '400 days'), (2, 'new', 'h2', now())`);
    await client.query(`INSERT INTO "ApiToken" ("id", "name", "tokenHash", "revokedAt") VALUES (3, 'revoked', 'h3', now())`);

    const result = await applyMigrations(db.connectionString, { migrationsDir: DEFAULT_MIGRATIONS_DIR });
    expect(result.applied).toContain(MIGRATION);

    const rows = (await client.query(`SELECT "name", round(extract(epoch FROM "expiresAt" - now()) / 86400)::int AS days FROM "ApiToken" ORDER BY "id"`)).rows;
    expect(rows).toEqual([
      { name: "old", days: 90 },
      { name: "new", days: 90 },
      { name: "revoked", days: null },
    ]);
  });
});
