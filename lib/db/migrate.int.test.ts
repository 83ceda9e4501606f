import { cp, mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { FerryStartupError } from "./errors.ts";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, readMigrations } from "./migrate.ts";
import { createEmptyDatabase } from "./testing/test-db.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function emptyDatabase(): Promise<string> {
  const db = await createEmptyDatabase();
  cleanups.push(db.drop);
  return db.connectionString;
}

async function query<T extends pg.QueryResultRow>(connectionString: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of the real migrations plus whatever a test adds or changes. */
async function migrationsCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "ferry-migrations-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

interface Row {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const historyOf = (url: string) => query<Row>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name, started_at`);

describe("applyMigrations", () => {
  it("writes _prisma_migrations rows the way Prisma's engine does", async () => {
    const url = await emptyDatabase();
    const result = await applyMigrations(url);
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    expect(result).toEqual({ applied: files.map((f) => f.name), alreadyApplied: [] });

    const rows = await historyOf(url);
    expect(rows).toHaveLength(files.length);
    for (const [i, row] of rows.entries()) {
      const file = files[i]!;
      expect(row.migration_name).toBe(file.name);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.checksum).toBe(file.checksum);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }

    // The table's shape is Prisma's own, column for column.
    const columns = await query<{ column_name: string; data_type: string; is_nullable: string; character_maximum_length: number | null }>(
      url,
      `SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying", is_nullable: "NO", character_maximum_length: 36 },
      { column_name: "checksum", data_type: "character varying", is_nullable: "NO", character_maximum_length: 64 },
      { column_name: "finished_at", data_type: "timestamp with time zone", is_nullable: "YES", character_maximum_length: null },
      { column_name: "migration_name", data_type: "character varying", is_nullable: "NO", character_maximum_length: 255 },
      { column_name: "logs", data_type: "text", is_nullable: "YES", character_maximum_length: null },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", is_nullable: "YES", character_maximum_length: null },
      { column_name: "started_at", data_type: "timestamp with time zone", is_nullable: "NO", character_maximum_length: null },
      { column_name: "applied_steps_count", data_type: "integer", is_nullable: "NO", character_maximum_length: null },
    ]);
  });

  it("is idempotent: a second run changes nothing", async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    const snapshot = async () => ({
      history: await historyOf(url),
      tables: await query(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`),
      columns: await query(url, `SELECT table_name, column_name, data_type, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`),
      indexes: await query(url, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`),
    });
    const before = await snapshot();
    const second = await applyMigrations(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(before.history.map((r) => r.migration_name));
    expect(await snapshot()).toEqual(before);
  });

  it("applies each migration once when several processes start at the same moment", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    const files = await readMigrations();
    expect(results.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.name).sort());
    const rows = await historyOf(url);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  });

  it("applies only the new migration when one is added later", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    await applyMigrations(url, { migrationsDir: dir });
    await addMigration(dir, "29991231000000_add_note", `-- AlterTable\nALTER TABLE "Team" ADD COLUMN "note" TEXT;\n`);
    const lines: string[] = [];
    const result = await applyMigrations(url, { migrationsDir: dir, log: (l) => lines.push(l) });
    expect(result.applied).toEqual(["29991231000000_add_note"]);
    expect(lines).toEqual(["applied migration 29991231000000_add_note"]);
    expect(await query(url, `SELECT "note" FROM "Team"`)).toEqual([]);
  });

  it("refuses to start when an applied migration's file was changed", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    await applyMigrations(url, { migrationsDir: dir });
    const [first] = await readMigrations(dir);
    await writeFile(path.join(dir, first!.name, "migration.sql"), `${first!.sql}\n-- edited afterwards\n`);

    const error = await applyMigrations(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryStartupError);
    expect((error as FerryStartupError).toLine()).toMatch(new RegExp(`migration ${first!.name} was changed after it was applied.*new migration`));
  });

  it("records a failed migration with its logs, rolls it back, and refuses the next start", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    await applyMigrations(url, { migrationsDir: dir });
    await addMigration(dir, "29991231000000_broken", `CREATE TABLE "Half" ("id" INTEGER);\nALTER TABLE "NoSuchTable" ADD COLUMN "x" TEXT;\n`);

    const error = await applyMigrations(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryStartupError);
    expect((error as Error).message).toMatch(/migration 29991231000000_broken failed \(ERROR: relation "NoSuchTable" does not exist\)/);

    // The transaction took the half-done CREATE TABLE with it.
    expect(await query(url, `SELECT to_regclass('"Half"') AS t`)).toEqual([{ t: null }]);
    const failed = (await historyOf(url)).find((r) => r.migration_name === "29991231000000_broken");
    expect(failed).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
    expect(failed?.logs).toContain("Database error code: 42P01");
    expect(failed?.logs).toContain('relation "NoSuchTable" does not exist');

    const again = await applyMigrations(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(FerryStartupError);
    expect((again as FerryStartupError).toLine()).toMatch(/migration 29991231000000_broken failed earlier.*rolled_back_at = now\(\)/);

    // After the fix and Prisma's "resolve --rolled-back" step, the fixed migration applies.
    await writeFile(path.join(dir, "29991231000000_broken", "migration.sql"), `CREATE TABLE "Half" ("id" INTEGER);\n`);
    await query(url, `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '29991231000000_broken' AND finished_at IS NULL`);
    expect((await applyMigrations(url, { migrationsDir: dir })).applied).toEqual(["29991231000000_broken"]);
  });

  it("warns about, but accepts, a migration only a newer version knows", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    await addMigration(dir, "29991231000000_future", `CREATE TABLE "Future" ("id" INTEGER);\n`);
    await applyMigrations(url, { migrationsDir: dir });
    const lines: string[] = [];
    const result = await applyMigrations(url, { log: (l) => lines.push(l) });
    expect(result.applied).toEqual([]);
    expect(lines).toEqual([expect.stringContaining("29991231000000_future, which this version of Ferry does not know")]);
  });

  it("says which server it cannot reach, without the password", async () => {
    const error = await applyMigrations("postgresql://ferry:s3cret@127.0.0.1:1/ferry", { connectTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryStartupError);
    const line = (error as FerryStartupError).toLine();
    expect(line).toContain("127.0.0.1:1/ferry");
    expect(line).not.toContain("s3cret");
  });
});
