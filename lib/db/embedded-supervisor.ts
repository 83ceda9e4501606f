import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "./embedded.ts";
import { isAlive } from "./stale-pid.ts";
import { writeSupervisorState, type SupervisorState } from "./supervisor-state.ts";

/**
 * Keeps the embedded PostgreSQL running for as long as the launcher runs: when the server process
 * dies (OOM killer, a crash, someone's kill -9) it is started again on the same port and data
 * directory, with backoff while it refuses to come up (e.g. its old backends still hold shared memory).
 * The web server's pool reconnects by itself once the port answers again, so no request path needs to
 * know; health reads the state file this writes to say "restarting" instead of just "down".
 */

export interface SuperviseOptions {
  dataDir: string;
  log?: (line: string) => void;
  /** Called with each new server once it accepts connections (e.g. to re-arm a watchdog). */
  onRestart?: (handle: EmbeddedPostgresHandle) => void;
  /** How often the server's PID is checked. */
  pollMs?: number;
  /** Wait before restart attempt n (1-based): 0.5 s, 1 s, 2 s … capped at 15 s. */
  backoffMs?: (attempt: number) => number;
}

export interface EmbeddedSupervisor {
  /** The server running now (a new one after each restart). */
  current(): EmbeddedPostgresHandle;
  /** Stops supervising and stops the server. */
  stop(): Promise<void>;
}

export function defaultBackoffMs(attempt: number): number {
  return Math.min(15_000, 500 * 2 ** (attempt - 1));
}

export async function superviseEmbeddedPostgres(first: EmbeddedPostgresHandle, options: SuperviseOptions): Promise<EmbeddedSupervisor> {
  const log = options.log ?? (() => {});
  const pollMs = options.pollMs ?? 1_000;
  const backoff = options.backoffMs ?? defaultBackoffMs;
  let handle = first;
  let restarts = 0;
  let stopped = false;
  let restarting: Promise<void> | undefined;

  const record = (state: SupervisorState) => writeSupervisorState(options.dataDir, state).catch(() => {});
  await record({ state: "running", pid: handle.pid, port: handle.port, restarts, since: new Date().toISOString() });

  const restart = async () => {
    const since = new Date().toISOString();
    log(`the embedded PostgreSQL (PID ${handle.pid}) stopped unexpectedly: restarting it on port ${handle.port}`);
    for (let attempt = 1; !stopped; attempt++) {
      await record({ state: "restarting", port: handle.port, restarts, attempt, since });
      await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
      if (stopped) return;
      try {
        // The same port: the web server's DATABASE_URL names it.
        handle = await startEmbeddedPostgres({ dataDir: options.dataDir, port: handle.port, log });
        restarts++;
        log(`the embedded PostgreSQL is back (PID ${handle.pid}, restart ${restarts}, attempt ${attempt})`);
        await record({ state: "running", pid: handle.pid, port: handle.port, restarts, since: new Date().toISOString() });
        options.onRestart?.(handle);
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
        log(`restarting the embedded PostgreSQL failed (attempt ${attempt}): ${reason}; trying again in ${Math.round(backoff(attempt + 1) / 1000)} s`);
        await record({ state: "restarting", port: handle.port, restarts, attempt, since, lastError: reason });
      }
    }
  };

  const check = () => {
    if (stopped || restarting) return;
    if (handle.pid !== null && !isAlive(handle.pid)) {
      restarting = restart().finally(() => {
        restarting = undefined;
      });
    }
  };
  const timer = setInterval(check, pollMs);
  timer.unref();

  return {
    current: () => handle,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await restarting;
      await handle.stop();
    },
  };
}
