import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";

// Not `import "server-only"`: that package throws outside React Server Components, and the launcher
// (scripts/start.ts → lib/bootstrap.ts) and the tests use this module from plain Node.
if (typeof window !== "undefined") {
  throw new Error("lib/db/client.ts is server-only: it must never be bundled for the browser");
}

const globalForPrisma = globalThis as typeof globalThis & { __ferryPrisma?: PrismaClient };

export function createPrisma(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

/**
 * The process-wide client. Kept on globalThis because Next dev re-evaluates modules on every edit, and
 * a new client per reload would open a new pool each time until Postgres runs out of connections.
 */
export function getPrisma(): PrismaClient {
  if (!globalForPrisma.__ferryPrisma) {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) {
      throw new Error("DATABASE_URL is not set: start Ferry with `npm start`, which provides it");
    }
    globalForPrisma.__ferryPrisma = createPrisma(connectionString);
  }
  return globalForPrisma.__ferryPrisma;
}

export type { PrismaClient };

/** Closes the process-wide client's pool, e.g. in the launcher once bootstrap is done with it. */
export async function disconnectPrisma(): Promise<void> {
  const client = globalForPrisma.__ferryPrisma;
  globalForPrisma.__ferryPrisma = undefined;
  await client?.$disconnect();
}
