import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPrisma, type PrismaClient } from "../client.ts";
import { withDatabase } from "./provided.ts";

export interface TestDatabase {
  prisma: PrismaClient;
  connectionString: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh migrated database for one test file, cloned from the run's template, so files can run in
 * parallel without seeing each other's rows. Call `drop()` in afterAll.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminConnectionString, template, prefix } = inject("ferryTestDatabase");
  const name = `${prefix}${randomBytes(6).toString("hex")}`;
  await withAdmin(adminConnectionString, async (client) => {
    // 55006: the template is briefly in use (another file cloning it on an older server); try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "55006" || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  });
  const connectionString = withDatabase(adminConnectionString, name);
  const prisma = createPrisma(connectionString);
  return {
    prisma,
    connectionString,
    name,
    drop: async () => {
      await prisma.$disconnect();
      await withAdmin(adminConnectionString, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

/** An empty database (not migrated), for tests of the migration runner itself. */
export async function createEmptyDatabase(): Promise<{ connectionString: string; drop(): Promise<void> }> {
  const { adminConnectionString, prefix } = inject("ferryTestDatabase");
  const name = `${prefix}${randomBytes(6).toString("hex")}`;
  await withAdmin(adminConnectionString, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  return {
    connectionString: withDatabase(adminConnectionString, name),
    drop: async () => {
      await withAdmin(adminConnectionString, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

async function withAdmin<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
