import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../embedded.ts";
import { findFreePort } from "../free-port.ts";
import { applyMigrations } from "../migrate.ts";
import { withDatabase, type FerryTestDatabaseContext } from "./provided.ts";

/**
 * Starts one PostgreSQL for the whole integration run (embedded in a temp dir unless DATABASE_URL is
 * set) and migrates a template database once; each test file then clones it in milliseconds.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let embedded: EmbeddedPostgresHandle | undefined;
  let tempDir: string | undefined;
  let adminConnectionString = process.env.DATABASE_URL;

  if (!adminConnectionString) {
    tempDir = await mkdtemp(path.join(tmpdir(), "ferry-test-pg-"));
    // As root the server runs as "postgres", who must be able to enter the directory.
    await chmod(tempDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: tempDir, port: await findFreePort() });
    adminConnectionString = embedded.adminConnectionString;
  }

  const prefix = `ferry_test_${randomBytes(4).toString("hex")}_`;
  const template = `${prefix}template`;
  await adminQuery(adminConnectionString, `CREATE DATABASE "${template}"`);
  await applyMigrations(withDatabase(adminConnectionString, template));

  const context: FerryTestDatabaseContext = { adminConnectionString, template, prefix };
  project.provide("ferryTestDatabase", context);

  return async () => {
    try {
      if (!embedded) await dropRunDatabases(adminConnectionString, prefix);
    } finally {
      await embedded?.stop();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    }
  };
}

async function adminQuery(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** On a shared server (DATABASE_URL) leave nothing behind, including databases of crashed test files. */
async function dropRunDatabases(connectionString: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
