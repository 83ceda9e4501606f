import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from "./migrate.ts";
import { createEmptyDatabase } from "./testing/test-db.ts";

// 20261202150000_change_merged_by on a database that already holds changes: the columns arrive, who
// merged or closed is recovered from the audit log, and plain-git merge commits move out of headSha.
const MIGRATION = "20261202150000_change_merged_by";

let db: { connectionString: string; drop(): Promise<void> };
let client: pg.Client;
let dir: string;

beforeAll(async () => {
  db = await createEmptyDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "ferry-migrations-"));
  // Everything before this migration, as an existing installation has it.
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

const sha = (c: string) => c.repeat(40);

describe(MIGRATION, () => {
  it("applies to existing rows and fills in what the audit log and old rows know", async () => {
    await client.query(`INSERT INTO "Repository" ("id", "name", "provider", "url", "updatedAt") VALUES (1, 'plain', 'git', '/x', now()), (2, 'hub', 'github', 'https://github.com/a/b', now())`);
    const insert = (id: number, repo: number, state: string, headSha: string, mergeCommitSha: string | null) =>
      client.query(
        `INSERT INTO "ChangeRequest" ("id", "repositoryId", "kind", "state", "number", "branch", "baseSha", "headSha", "mergeCommitSha", "title", "body", "changeSet", "updatedAt")
         VALUES ($1::int, $2, 'PROMOTION', $3::"ChangeState", $1::int, 'b' || $1::text, $4, $5, $6, 't', '', '{}', now())`,
        [id, repo, state, sha("0"), headSha, mergeCommitSha],
      );
    await insert(1, 1, "MERGED", sha("a"), null); // plain git, merged before mergeCommitSha was written
    await insert(2, 2, "MERGED", sha("b"), sha("c")); // GitHub, merged on the forge (no audit row)
    await insert(3, 1, "CLOSED", sha("d"), null);
    await insert(4, 1, "OPEN", sha("e"), null);
    const audit = (action: string, resourceId: string, actorId: string, result: string, at: string) =>
      client.query(`INSERT INTO "AuditEvent" ("at", "actorId", "actorKind", "action", "resourceType", "resourceId", "result") VALUES ($5, $1, 'user', $2, 'change', $3, $4)`, [
        actorId,
        action,
        resourceId,
        result,
        at,
      ]);
    await audit("change.merge", "1", "u-denied", "denied", "2026-11-30T10:00:00Z");
    await audit("change.merge", "1", "u-alex", "ok", "2026-11-30T11:00:00Z");
    await audit("change.close", "3", "u-dana", "ok", "2026-11-30T12:00:00Z");
    await audit("change.merge", "4", "u-alex", "error", "2026-11-30T13:00:00Z");

    const result = await applyMigrations(db.connectionString, { migrationsDir: DEFAULT_MIGRATIONS_DIR });
    expect(result.applied).toEqual([MIGRATION]);

    const rows = (await client.query(`SELECT "id", "headSha", "mergeCommitSha", "mergedById", "closedById" FROM "ChangeRequest" ORDER BY "id"`)).rows;
    expect(rows).toEqual([
      { id: 1, headSha: sha("a"), mergeCommitSha: sha("a"), mergedById: "u-alex", closedById: null },
      { id: 2, headSha: sha("b"), mergeCommitSha: sha("c"), mergedById: null, closedById: null },
      { id: 3, headSha: sha("d"), mergeCommitSha: null, mergedById: null, closedById: "u-dana" },
      { id: 4, headSha: sha("e"), mergeCommitSha: null, mergedById: null, closedById: null },
    ]);
  });
});
