import { LiveSourceError } from "./argocd/errors";
import type { KubernetesResumeState } from "./kubernetes/resume-state";
import type { LiveApplication, LiveEvent } from "./types";

// Keeps one source's stored live state current: list once (or resume from the stored resourceVersion),
// then follow the source's stream; each burst of events is one write. A dropped stream is resumed
// from the last resourceVersion; a source that cannot be reached (again) is marked stale (its cells then say so)
// and retried with growing waits; when it answers again, or when it says the resourceVersion expired,
// everything is listed again, since events missed meanwhile are not replayed.

export interface LiveSourceClient {
  listApplications(signal: AbortSignal): Promise<{ applications: LiveApplication[]; resourceVersion: string | null }>;
  watchApplications(resourceVersion: string | null, signal: AbortSignal): AsyncIterable<{ events: LiveEvent[]; resourceVersion: string | null }>;
}

export interface LiveStateStore {
  /** Where the last follower left off. */
  resumePoint(): Promise<{ resourceVersion: string | null; stale: boolean }>;
  /** `resumeState`: a Kubernetes source's watch versions, stored in the same write as the rows. */
  replaceAll(applications: LiveApplication[], resourceVersion: string | null, resumeState?: KubernetesResumeState): Promise<void>;
  apply(events: LiveEvent[], resourceVersion: string | null, resumeState?: KubernetesResumeState): Promise<void>;
  /** The source answered: not stale any more. */
  reachable(): Promise<void>;
  /** The source did not answer: stale from now on (or since it first stopped answering). */
  unreachable(error: string): Promise<void>;
}

export interface FollowOptions {
  client: LiveSourceClient;
  store: LiveStateStore;
  signal: AbortSignal;
  /** First wait after a failure; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  log?: (line: string) => void;
}

/** Follows until `signal` aborts; never throws for a source's failures (they are stored instead). */
export async function followSource({ client, store, signal, backoffMs = 1_000, maxBackoffMs = 60_000, log = () => {} }: FollowOptions): Promise<void> {
  const resume = await store.resumePoint();
  let resourceVersion = resume.stale ? null : resume.resourceVersion;
  let relist = resourceVersion === null;
  let failures = 0;
  // A server that calls even a fresh list's resourceVersion expired must not be listed in a loop.
  let expiries = 0;
  while (!signal.aborted) {
    try {
      if (relist) {
        const listing = await client.listApplications(signal);
        await store.replaceAll(listing.applications, listing.resourceVersion);
        resourceVersion = listing.resourceVersion;
        relist = false;
        failures = 0;
      }
      // The stream's first batch, empty, says it is open: the source answers.
      for await (const batch of client.watchApplications(resourceVersion, signal)) {
        resourceVersion = batch.resourceVersion ?? resourceVersion;
        if (batch.events.length > 0) {
          await store.apply(batch.events, resourceVersion);
          expiries = 0;
        } else await store.reachable();
        failures = 0;
      }
      // The server closed the stream (restart, proxy timeout): resume where it left off, after a pause
      // so a server that closes every stream at once is not asked again in a loop.
      await sleep(backoffMs, signal);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof LiveSourceError && error.reason === "expired") {
        log(`[live] ${error.message}: listing again`);
        relist = true;
        if (++expiries > 1) await sleep(Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(expiries - 2, 16)), signal);
        continue;
      }
      if (error instanceof LiveSourceError && error.reason === "interrupted") {
        // Not stale yet: only a failed reconnection says the source is gone.
        log(`[live] ${error.message}: reconnecting`);
        await sleep(backoffMs, signal);
        continue;
      }
      failures++;
      const message = error instanceof Error ? error.message : String(error);
      log(`[live] ${message}`);
      await store.unreachable(message).catch((e: unknown) => log(`[live] could not record the failure: ${e instanceof Error ? e.message : String(e)}`));
      relist = true;
      await sleep(Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(failures - 1, 16)), signal);
    }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
