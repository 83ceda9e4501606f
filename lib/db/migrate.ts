import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { describeTarget, explainConnectError } from "./connection.ts";
import { FerryStartupError } from "./errors.ts";

/** The key Prisma's own migrate engine locks, so our runner and `prisma migrate deploy` exclude each other. */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Next to this file in the repository; a bundler may move the module, so the working directory is the fallback.
export const DEFAULT_MIGRATIONS_DIR = [
  fileURLToPath(new URL("../../prisma/migrations", import.meta.url)),
  path.join(process.cwd(), "prisma", "migrations"),
].find((dir) => existsSync(dir)) ?? path.join(process.cwd(), "prisma", "migrations");

// Exactly Prisma's DDL, so a later `prisma migrate` on a connected machine adopts the table as its own.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes, as Prisma computes it. */
  checksum: string;
}

export interface ApplyMigrationsOptions {
  log?: (line: string) => void;
  migrationsDir?: string;
  connectTimeoutMs?: number;
}

export interface ApplyMigrationsResult {
  applied: string[];
  alreadyApplied: string[];
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export function checksumOf(content: Buffer | string): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The migration folders in Prisma's order (by name, which starts with a timestamp). */
export async function readMigrations(migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(migrationsDir, name, "migration.sql"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // Prisma ignores such folders too
      throw error;
    }
    migrations.push({ name, sql: bytes.toString("utf8"), checksum: checksumOf(bytes) });
  }
  return migrations;
}

/**
 * Applies pending migrations the way `prisma migrate deploy` would, without Prisma's native engine
 * (which cannot be downloaded here). Safe when several replicas start at once: everything happens
 * under Prisma's advisory lock, and each migration with its bookkeeping row commits atomically.
 */
export async function applyMigrations(
  connectionString: string,
  options: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir);
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const target = describeTarget(connectionString);

  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new FerryStartupError(
      `cannot reach PostgreSQL at ${target}: ${explainConnectError(error, connectionString, timeoutMs)}`,
      "check DATABASE_URL, or unset it to use the embedded database",
    );
  }

  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<MigrationRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at, logs
           FROM "_prisma_migrations" ORDER BY started_at`,
      );
      const appliedByName = refuseUnsafeHistory(rows, migrations, log);

      const result: ApplyMigrationsResult = { applied: [], alreadyApplied: [] };
      for (const migration of migrations) {
        if (appliedByName.has(migration.name)) {
          result.alreadyApplied.push(migration.name);
          continue;
        }
        await applyOne(client, migration);
        log(`applied migration ${migration.name}`);
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Returns the applied migrations by name, or throws when the history is one Prisma would refuse too. */
function refuseUnsafeHistory(
  rows: MigrationRow[],
  migrations: MigrationFile[],
  log: (line: string) => void,
): Map<string, MigrationRow> {
  const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed) {
    const reason = (failed.logs ?? "no log recorded").split("\n").find((l) => l.trim() && !/^Database error( code)?:/.test(l)) ?? "";
    throw new FerryStartupError(
      `migration ${failed.migration_name} failed earlier${reason ? ` (${reason.trim()})` : ""}`,
      `its changes were rolled back; fix the cause, then run: UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${failed.migration_name}' AND finished_at IS NULL`,
    );
  }

  const applied = new Map<string, MigrationRow>();
  for (const row of rows) {
    if (row.finished_at !== null && row.rolled_back_at === null) applied.set(row.migration_name, row);
  }
  const local = new Map(migrations.map((m) => [m.name, m]));
  for (const row of applied.values()) {
    const file = local.get(row.migration_name);
    if (!file) {
      // A newer Ferry migrated this database (e.g. during a rolling update); running older code is its call.
      log(`warning: the database has migration ${row.migration_name}, which this version of Ferry does not know`);
      continue;
    }
    if (file.checksum !== row.checksum) {
      throw new FerryStartupError(
        `migration ${row.migration_name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk)`,
        "restore the original migration.sql and put the change in a new migration",
      );
    }
  }
  return applied;
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    // No parameters: pg then uses the simple query protocol, which accepts many statements at once.
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    const logs = formatDatabaseError(error);
    // Recorded outside the rolled-back transaction so the next start refuses, as Prisma's deploy does.
    await client
      .query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, now(), 0)`,
        [id, migration.checksum, migration.name, logs],
      )
      .catch(() => {});
    const firstLine = logs.split("\n").find((l) => l.startsWith("ERROR: ")) ?? "";
    throw new FerryStartupError(
      `migration ${migration.name} failed${firstLine ? ` (${firstLine})` : ""}`,
      "its changes were rolled back; see the logs column of _prisma_migrations",
      { cause: error },
    );
  }
}

/** Prisma's layout for the logs column, so both tools' failures read alike. */
function formatDatabaseError(error: unknown): string {
  if (error instanceof pg.DatabaseError) {
    const lines = [`Database error code: ${error.code ?? "unknown"}`, "", "Database error:", `ERROR: ${error.message}`];
    if (error.position) lines.push("", `Position: ${error.position}`);
    if (error.detail) lines.push("", `DETAIL: ${error.detail}`);
    return lines.join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}
