import { databaseErrorSummary } from "@/lib/db/unavailable";

/**
 * How this process's job worker stands, for readiness. Absent in a process that runs none (a web
 * replica with FERRY_SYNC_WORKER=off): its readiness never depends on the queue.
 */
export type JobWorkerState =
  | { state: "starting"; attempt: number; lastError?: string }
  | { state: "retrying"; attempt: number; error: string; retryInSeconds: number }
  | { state: "started"; attempt: number }
  | { state: "stopping" };

// On globalThis: Next.js loads instrumentation.ts (which starts the worker) and each route in bundles of
// their own, so a module-level variable would not be the one the readiness route reads.
const globalForJobWorker = globalThis as typeof globalThis & { __ferryJobWorker?: JobWorkerState };

export function setJobWorkerState(state: JobWorkerState | undefined): void {
  globalForJobWorker.__ferryJobWorker = state;
}

export function jobWorkerState(): JobWorkerState | undefined {
  return globalForJobWorker.__ferryJobWorker;
}

/** Why this process's job worker keeps it unready, or null (started, or no worker in this process). */
export function jobWorkerUnreadyReason(state: JobWorkerState | undefined = jobWorkerState()): string | null {
  switch (state?.state) {
    case undefined:
    case "started":
      return null;
    case "starting":
      return `the job worker is starting (attempt ${state.attempt}${state.lastError ? `; the last one failed: ${state.lastError}` : ""})`;
    case "retrying":
      return `the job worker could not start (attempt ${state.attempt}: ${state.error}); next attempt in ${state.retryInSeconds} s`;
    case "stopping":
      return "the job worker is stopping";
  }
}

/** A start failure as readiness shows it: one line, credentials masked (the route is public). */
export function describeStartError(error: unknown): string {
  return databaseErrorSummary(error);
}
