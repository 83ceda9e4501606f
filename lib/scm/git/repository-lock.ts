import fs from "node:fs/promises";
import path from "node:path";

// Why a lock at all, when refs move with compare-and-swap: for a checked-out branch, receive-pack
// (receive.denyCurrentBranch=updateInstead) updates the working tree BEFORE its ref transaction
// checks the old value, so two overlapping pushes can leave the working tree at the loser's tree.
// Pushes that do not overlap are safe: the later one sees the new tip in the advertisement and its
// --force-with-lease refuses. So Ferry's own pushes into a working tree take turns: an in-process
// queue for this process, a lock file in the git directory for other processes on the machine.

const LOCK_FILE = "ferry-worktree-push.lock";
/** A lock older than this was left by a process that died (a push takes seconds, not minutes). */
const STALE_MS = 120_000;
const RETRY_MS = 25;

const queues = new Map<string, Promise<unknown>>();

export async function withWorktreeLock<T>(gitDir: string, fn: () => Promise<T>, waitMs = 60_000): Promise<T> {
  const previous = queues.get(gitDir) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withLockFile(path.join(gitDir, LOCK_FILE), fn, waitMs));
  const tail = run.catch(() => undefined);
  queues.set(gitDir, tail);
  try {
    return await run;
  } finally {
    if (queues.get(gitDir) === tail) queues.delete(gitDir);
  }
}

export async function withLockFile<T>(lockPath: string, fn: () => Promise<T>, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = await fs.stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_MS) await fs.rm(lockPath, { force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockPath} (another Ferry process is publishing to this repository).`);
      else await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}
