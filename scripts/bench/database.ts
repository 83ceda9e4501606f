// The benchmark's own embedded PostgreSQL in .bench/pg on a free port, with an empty `ferry`
// database every run: "full index" must start from an empty cache. The cluster itself is kept
// (initdb costs seconds and is not what we measure); the database is dropped and recreated.
import pg from "pg";
import { startEmbeddedPostgres, EMBEDDED_DATABASE, type EmbeddedPostgresHandle } from "@/lib/db/embedded";
import { findFreePort } from "@/lib/db/free-port";
import { applyMigrations } from "@/lib/db/migrate";

export interface BenchDatabase {
  handle: EmbeddedPostgresHandle;
  connectionString: string;
  migrations: number;
}

export async function startBenchDatabase(dataDir: string, log: (line: string) => void): Promise<BenchDatabase> {
  const handle = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), log });
  try {
    await recreateDatabase(handle.adminConnectionString, EMBEDDED_DATABASE);
    const result = await applyMigrations(handle.connectionString);
    return { handle, connectionString: handle.connectionString, migrations: result.applied.length };
  } catch (error) {
    await handle.stop().catch(() => {});
    throw error;
  }
}

async function recreateDatabase(adminConnectionString: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminConnectionString });
  client.on("error", () => {});
  await client.connect();
  try {
    const ident = client.escapeIdentifier(name);
    await client.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${ident}`);
  } finally {
    await client.end().catch(() => {});
  }
}
