import { readdir } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "./client";
import { isDatabaseUnavailable, databaseErrorSummary } from "./unavailable";

/**
 * Whether this process can serve requests that need the database: it answers, and every migration
 * this build ships has been applied (during a rolling update a new replica waits for the migration
 * Job instead of failing on a missing column). Liveness is separate and never touches the database,
 * so an orchestrator does not restart healthy web processes because Postgres is down.
 */
export type Readiness =
  | { ready: true; migrations: number }
  | { ready: false; reason: string; pending?: string[] };

/** How long the check waits for an answer: a load balancer probe must not hang on a blackholed host. */
export const READINESS_TIMEOUT_MS = 3_000;

// The image and `npm start` both run from the repository root (see Dockerfile), where the migrations ship.
export const SHIPPED_MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

let shipped: Promise<string[]> | undefined;

/** The migration folders this build carries, read once per process (they cannot change under it). */
export function shippedMigrations(dir = SHIPPED_MIGRATIONS_DIR): Promise<string[]> {
  if (dir !== SHIPPED_MIGRATIONS_DIR) return readMigrationNames(dir);
  shipped ??= readMigrationNames(dir).catch((error: unknown) => {
    shipped = undefined;
    throw error;
  });
  return shipped;
}

async function readMigrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: false });
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const files = await readdir(path.join(dir, entry.name)).catch(() => [] as string[]);
    if (files.includes("migration.sql")) names.push(entry.name);
  }
  return names.sort();
}

export async function checkReadiness(prisma: PrismaClient, options: { migrationsDir?: string; timeoutMs?: number } = {}): Promise<Readiness> {
  let expected: string[];
  try {
    expected = await shippedMigrations(options.migrationsDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return { ready: false, reason: `this build's migrations folder cannot be read (${code}); the image or checkout is incomplete` };
  }
  const timeoutMs = options.timeoutMs ?? READINESS_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  try {
    const answer = await Promise.race([appliedMigrations(prisma), timeout]);
    if (answer === "timeout") return { ready: false, reason: `database unavailable: no answer within ${Math.round(timeoutMs / 1000)} s` };
    const pending = expected.filter((name) => !answer.has(name));
    if (pending.length > 0) return { ready: false, reason: `${pending.length} migration(s) not applied yet`, pending };
    return { ready: true, migrations: expected.length };
  } catch (error) {
    if (isDatabaseUnavailable(error)) return { ready: false, reason: `database unavailable: ${databaseErrorSummary(error)}` };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function appliedMigrations(prisma: PrismaClient): Promise<Set<string>> {
  // to_regclass: a database nobody migrated yet has no bookkeeping table; that is "all pending", not an error.
  const [table] = await prisma.$queryRaw<{ exists: boolean }[]>`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`;
  if (!table?.exists) return new Set();
  const rows = await prisma.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  return new Set(rows.map((r) => r.migration_name));
}
