import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";

export type PidFileState =
  | { kind: "absent" }
  | { kind: "stale"; pid: number | null }
  | { kind: "running"; pid: number; port: number | null };

/**
 * Whether a process with this PID runs (EPERM means it exists but belongs to someone else). A zombie
 * counts as gone: in a container whose PID 1 does not reap, an orphan's corpse can linger forever.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return process.platform !== "linux";
  }
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  try {
    const comm = (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
    return comm === "postgres" || comm === "postmaster";
  } catch {
    // No /proc (macOS): trust liveness, as PostgreSQL itself does.
    return process.platform !== "linux";
  }
}

/**
 * Reads `<pgDir>/postmaster.pid`. After a SIGKILL or a container restart the file outlives its server,
 * and when its PID was reused by another process PostgreSQL refuses to start; we tell the cases apart.
 */
export async function inspectPostmasterPid(pgDir: string): Promise<PidFileState> {
  let text: string;
  try {
    text = await readFile(path.join(pgDir, "postmaster.pid"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    throw error;
  }
  const lines = text.split("\n");
  const pid = Number.parseInt(lines[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return { kind: "stale", pid: null };
  if (!isAlive(pid) || !(await isPostgresProcess(pid))) return { kind: "stale", pid };
  const port = Number.parseInt(lines[3] ?? "", 10);
  return { kind: "running", pid, port: Number.isInteger(port) ? port : null };
}

export async function removePostmasterPid(pgDir: string): Promise<void> {
  await rm(path.join(pgDir, "postmaster.pid"), { force: true });
}
