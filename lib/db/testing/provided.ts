/** What the integration globalSetup hands to test files through vitest's provide/inject. */
export interface FerryTestDatabaseContext {
  /** A connection string with the right to CREATE DATABASE (the embedded cluster's superuser). */
  adminConnectionString: string;
  /** A migrated database that each test file clones. */
  template: string;
  /** Prefix of every database this run creates, so teardown drops exactly those. */
  prefix: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    ferryTestDatabase: FerryTestDatabaseContext;
  }
}

/** The same server, another database. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
