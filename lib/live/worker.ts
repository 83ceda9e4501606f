import type PgBoss from "pg-boss";
import { getPrisma, type PrismaClient } from "@/lib/db/client";
import { ArgoCdClient } from "./argocd/client";
import { loadLiveSourcesConfig, type LiveSourceConfig } from "./config";
import { followSource, sleep } from "./follow";
import { followKubernetes } from "./kubernetes/follow-kubernetes";
import { kubeConfigFor } from "./kubernetes/kubeconfig";
import { withSourceLock } from "./source-lock";
import { PrismaLiveStateStore } from "./store";
import { FOLLOW_WINDOW_SECONDS } from "./worker-window";
import { log } from "@/lib/observability/log";

// One pg-boss queue per live source; a job follows the source for a window, then hands over to the
// next job, which resumes from the stored resourceVersion (in this process or another). The queue keeps
// at most one waiting job; a per-source advisory lock keeps two processes from following one source,
// and a schedule every minute restarts following after a process that held it died.

export const LIVE_QUEUE_PREFIX = "ferry-live-";

const controllers = new Set<AbortController>();

export interface LiveWorkerOptions {
  sources?: LiveSourceConfig[];
  windowSeconds?: number;
  backoffMs?: number;
  prisma?: PrismaClient;
}

/** Every minute, objects are placed again where a repository sync changed the cells. */
export const PLACE_QUEUE = "ferry-live-place";
const stores = new Map<string, PrismaLiveStateStore>();

export function liveQueueName(source: string): string {
  return `${LIVE_QUEUE_PREFIX}${source}`;
}

/** Starts following every configured source in this process's queue worker; forgets sources no longer configured. */
export async function startLiveFollowers(boss: PgBoss, connectionString: string, options: LiveWorkerOptions = {}): Promise<void> {
  stopping = false;
  const sources = options.sources ?? loadLiveSourcesConfig();
  const prisma = options.prisma ?? getPrisma();
  await prisma.liveSource.deleteMany({ where: { name: { notIn: sources.map((s) => s.name) } } });
  const windowSeconds = options.windowSeconds ?? FOLLOW_WINDOW_SECONDS;
  for (const source of sources) {
    const queue = liveQueueName(source.name);
    await boss.createQueue(queue, { name: queue, policy: "short", retryLimit: 0, expireInSeconds: windowSeconds + 120 });
    await boss.work(queue, { pollingIntervalSeconds: 2 }, async () => {
      const followed = await withSourceLock(connectionString, source.name, () => followWindow(prisma, source, windowSeconds, options.backoffMs));
      // Hand over at once, rather than at the next minute of the schedule: the stream resumes within seconds.
      if (followed && !stopping) await boss.send(queue, {});
    });
    await boss.schedule(queue, "* * * * *", {});
    await boss.send(queue, {});
  }
  if (sources.length === 0) return;
  await boss.createQueue(PLACE_QUEUE, { name: PLACE_QUEUE, policy: "singleton" });
  await boss.work(PLACE_QUEUE, async () => {
    for (const source of sources) await storeFor(prisma, source).placeAgain();
  });
  await boss.schedule(PLACE_QUEUE, "* * * * *", {});
}

function storeFor(prisma: PrismaClient, source: LiveSourceConfig): PrismaLiveStateStore {
  let store = stores.get(source.name);
  if (!store) stores.set(source.name, (store = new PrismaLiveStateStore(prisma, { name: source.name, kind: source.kind })));
  return store;
}

let stopping = false;

async function followWindow(prisma: PrismaClient, source: LiveSourceConfig, windowSeconds: number, backoffMs?: number): Promise<void> {
  const controller = new AbortController();
  controllers.add(controller);
  const timer = setTimeout(() => controller.abort(), windowSeconds * 1000);
  try {
    const store = storeFor(prisma, source);
    await store.register();
    // The repositories may have synced since the last window: place what is stored again.
    await store.placeAgain();
    const warn = (line: string) => log("warn", line.replace(/^\[live\] /, ""), { live_source: source.name });
    if (source.kind === "kubernetes") {
      let kubeConfig;
      try {
        kubeConfig = kubeConfigFor(source);
      } catch (error) {
        // An unreadable kubeconfig or a pod without a service account: stale, with the reason, until fixed.
        await store.unreachable(`cannot configure the client: ${error instanceof Error ? error.message : String(error)}`);
        // Not at once again: the next job would fail the same way.
        await sleep(60_000, controller.signal);
        return;
      }
      await followKubernetes({ kubeConfig, cluster: source.cluster, source: source.name, store, signal: controller.signal, backoffMs, log: warn });
    } else {
      const client = new ArgoCdClient({ name: source.name, url: source.url, token: source.token });
      await followSource({ client, store, signal: controller.signal, backoffMs, log: warn });
    }
  } finally {
    clearTimeout(timer);
    controllers.delete(controller);
  }
}

/** Ends every follower of this process (before the queue stops), so their jobs complete. */
export function stopLiveFollowers(): void {
  stopping = true;
  for (const c of controllers) c.abort();
}
