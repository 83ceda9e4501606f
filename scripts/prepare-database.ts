// The one-off step before a deployment's web and worker processes start (the image's
// `node dist/prepare-database.mjs`, run as a Kubernetes Job or Helm hook): apply the migrations, then
// register the configured repositories (retiring removed ones), seed the sign-in provider's users and,
// unless --no-sync, sync every repository so the first page shows the matrix. Safe to run while old
// replicas serve: migrations take Prisma's advisory lock and are applied once. Needs DATABASE_URL.
// Every expected failure is one `ferry: …` line and exit code 1.
import { parseArgs } from "node:util";
import { bootstrap } from "../lib/bootstrap.ts";
import { checkDatabase } from "../lib/db/connection.ts";
import { disconnectPrisma } from "../lib/db/client.ts";
import { FerryStartupError } from "../lib/db/errors.ts";
import { applyMigrations } from "../lib/db/migrate.ts";

function say(line: string): void {
  console.log(line.startsWith("ferry: ") ? line : `ferry: ${line}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "no-sync": { type: "boolean" }, "migrations-dir": { type: "string" } } });
  const connectionString = process.env.DATABASE_URL?.trim();
  if (!connectionString) throw new FerryStartupError("DATABASE_URL is not set", "give the job the same DATABASE_URL as the portal");
  const check = await checkDatabase(connectionString);
  if (!check.ok) throw new FerryStartupError(check.message, "check DATABASE_URL and that the database accepts connections from here");
  say(`using PostgreSQL at ${check.target}`);
  const result = await applyMigrations(connectionString, { log: say, ...(values["migrations-dir"] ? { migrationsDir: values["migrations-dir"] } : {}) });
  if (!result.applied.length) say(`database schema up to date (${result.alreadyApplied.length} migrations)`);
  await bootstrap({ connectionString, dataDir: process.env.FERRY_DATA_DIR || "/tmp/ferry", log: say, demo: false, sync: !values["no-sync"] });
  await disconnectPrisma();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof FerryStartupError) console.error(`ferry: ${error.toLine()}`);
    else console.error(`ferry: unexpected error: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    if (process.env.FERRY_DEBUG === "1") console.error(error);
    process.exit(1);
  },
);
