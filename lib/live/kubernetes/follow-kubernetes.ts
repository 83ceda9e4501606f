import { ApiException, CustomObjectsApi, ListWatch, Watch, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { reshapeApplication } from "../argocd/reshape";
import type { WireApplication } from "../argocd/wire";
import { sleep, type LiveStateStore } from "../follow";
import type { LiveApplication, LiveEvent } from "../types";
import { kindPath, WATCHED_KINDS, type WatchedKind } from "./kinds";
import { reshapeHelmRelease, reshapeKustomization } from "./reshape-flux";
import type { FluxHelmRelease, FluxKustomization, FluxSource } from "./wire";

// Follows one cluster's Flux and Argo CD objects with @kubernetes/client-node informers (ListWatch: list,
// then watch from the list's resourceVersion, relist on 410 Gone). Once every kind is listed, the whole
// set is stored; afterwards the events of a short window are one write of the objects that changed
// (a GitRepository's new URL changes every Kustomization reading it). A kind that fails is retried with
// growing waits and its source is stale meanwhile; a kind the cluster does not serve (no Argo CD on a
// Flux cluster) is left out.

export interface KubernetesFollowOptions {
  kubeConfig: KubeConfig;
  /** The cluster's name as the repositories call it; Flux objects' destination. */
  cluster: string;
  store: LiveStateStore;
  signal: AbortSignal;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long events are gathered into one write. */
  batchMs?: number;
  log?: (line: string) => void;
}

/** Asks the API server for BOOKMARK events, which client-node's informer does not, and reports them. */
class BookmarkWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly onBookmark: () => void,
  ) {
    super(config);
  }
  override watch(path: string, queryParams: Record<string, unknown>, callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void, done: (err: unknown) => void): Promise<AbortController> {
    return super.watch(path, { ...queryParams, allowWatchBookmarks: true }, (phase, obj, raw) => {
      if (phase === "BOOKMARK") this.onBookmark();
      callback(phase, obj, raw);
    }, done);
  }
}

interface Informer {
  kind: WatchedKind;
  watch: ListWatch<KubernetesObject>;
  errors: number;
  lastError: unknown;
  wake?: () => void;
  /** The cluster does not serve this kind (404 on list). */
  absent: boolean;
}

function describeError(kind: WatchedKind, error: unknown): string {
  if (error instanceof ApiException) {
    const reason = error.code === 401 ? "unauthorized" : error.code === 403 ? "forbidden (the ClusterRole needs get, list and watch on it)" : `HTTP ${error.code}`;
    return `list ${kind.plural}.${kind.group}: ${reason}`;
  }
  const status = (error as { statusCode?: number } | null)?.statusCode;
  if (status) return `watch ${kind.plural}.${kind.group}: HTTP ${status}`;
  const cause = (error as { cause?: { code?: string } } | null)?.cause?.code ?? (error as { code?: string } | null)?.code;
  return `${kind.plural}.${kind.group}: ${error instanceof Error ? error.message : String(error)}${cause && !String(error).includes(cause) ? ` (${cause})` : ""}`;
}

const sameApplication = (a: LiveApplication) => JSON.stringify({ ...a, resourceVersion: null });

/** Follows until `signal` aborts; never throws for the cluster's failures (they are stored instead). */
export async function followKubernetes(options: KubernetesFollowOptions): Promise<void> {
  const { kubeConfig, cluster, store, signal, backoffMs = 1_000, maxBackoffMs = 60_000, batchMs = 100, log = () => {} } = options;
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  let lastBookmarkWrite = 0;
  const bookmarks = new BookmarkWatch(kubeConfig, () => {
    // A bookmark says the API server answers: keeps an idle source from counting as unheard, once a minute.
    if (Date.now() - lastBookmarkWrite < 60_000) return;
    lastBookmarkWrite = Date.now();
    void store.reachable().catch(() => {});
  });

  const informers: Informer[] = WATCHED_KINDS.map((kind) => {
    const informer: Informer = { kind, errors: 0, lastError: null, absent: false } as Informer;
    const list = async () => {
      try {
        return await api.listClusterCustomObject({ group: kind.group, version: kind.version, plural: kind.plural });
      } catch (error) {
        // No such resource: the cluster does not have the CRD (no Argo CD on a Flux cluster).
        if (error instanceof ApiException && error.code === 404) informer.absent = true;
        throw error;
      }
    };
    informer.watch = new ListWatch<KubernetesObject>(kindPath(kind), bookmarks, list, false);
    informer.watch.on("error", (error: unknown) => {
      informer.errors++;
      informer.lastError = error;
      informer.wake?.();
    });
    for (const verb of ["add", "update", "delete"] as const) informer.watch.on(verb, (object: KubernetesObject) => changed(kind.kind, object));
    return informer;
  });
  const byKind = (kind: WatchedKind["kind"]) => informers.find((i) => i.kind.kind === kind)?.watch as ListWatch<KubernetesObject>;

  const sourceLists = { GitRepository: byKind("GitRepository"), OCIRepository: byKind("OCIRepository") } as const;
  const sources = {
    get: (kind: string, namespace: string, name: string) => (kind in sourceLists ? (sourceLists[kind as keyof typeof sourceLists].get(name, namespace) as FluxSource | undefined) : undefined),
  };

  /** The live object a Kustomization, HelmRelease or Application is; undefined for a source or a nameless one. */
  function reshape(kind: WatchedKind["kind"], object: KubernetesObject): LiveApplication | undefined {
    if (kind === "Kustomization") return reshapeKustomization(object as FluxKustomization, sources, cluster);
    if (kind === "HelmRelease") return reshapeHelmRelease(object as FluxHelmRelease, sources, cluster);
    if (kind !== "Application") return undefined;
    const app = reshapeApplication(object as WireApplication);
    return app ? { ...app, key: `Application/${app.key}` } : undefined;
  }

  function current(): LiveApplication[] {
    return (["Kustomization", "HelmRelease", "Application"] as const).flatMap((kind) => byKind(kind).list().flatMap((o) => reshape(kind, o) ?? []));
  }

  let stored: Map<string, string> | null = null;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const failing = new Set<Informer>();
  /** What changed since the last write: objects by key, or everything when a source (its URL) did. */
  let dirty: Map<string, { kind: WatchedKind["kind"]; namespace: string; name: string }> | "all" = new Map();

  function changed(kind: WatchedKind["kind"], object: KubernetesObject): void {
    const namespace = object.metadata?.namespace ?? "";
    const name = object.metadata?.name ?? "";
    if (kind === "GitRepository" || kind === "OCIRepository") dirty = "all";
    else if (dirty !== "all") dirty.set(`${kind}/${namespace}/${name}`, { kind, namespace, name });
    schedule();
  }

  function schedule(): void {
    if (stored === null || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      writing = writing.then(flush).catch((e: unknown) => log(`[live] could not store ${cluster}'s objects: ${e instanceof Error ? e.message : String(e)}`));
    }, batchMs);
  }

  /** Writes what changed; one event of 10,000 objects reshapes one object, not all of them. */
  async function flush(): Promise<void> {
    if (stored === null) return;
    const written = stored;
    const touched = dirty;
    dirty = new Map();
    const events: LiveEvent[] = [];
    if (touched === "all") {
      const next = new Map(current().map((a) => [a.key, a]));
      for (const [key, app] of next) if (written.get(key) !== sameApplication(app)) events.push({ type: "upsert", application: app });
      for (const key of written.keys()) if (!next.has(key)) events.push({ type: "delete", key });
    } else {
      for (const [key, o] of touched) {
        const object = byKind(o.kind).get(o.name, o.namespace || undefined);
        const app = object ? reshape(o.kind, object) : undefined;
        if (app && written.get(app.key) !== sameApplication(app)) events.push({ type: "upsert", application: app });
        else if (!app && written.has(key)) events.push({ type: "delete", key });
      }
    }
    if (events.length === 0) return;
    await store.apply(events, null);
    for (const e of events) {
      if (e.type === "delete") written.delete(e.key);
      else written.set(e.application.key, sameApplication(e.application));
    }
  }

  async function healthy(informer: Informer): Promise<void> {
    if (!failing.delete(informer) || failing.size > 0) return;
    await store.reachable();
  }

  async function run(informer: Informer, started: () => void): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const before = informer.errors;
      await informer.watch.start();
      if (signal.aborted) break;
      if (informer.absent) {
        log(`[live] ${cluster}: the cluster does not serve ${informer.kind.plural}.${informer.kind.group}; not followed in this window`);
        await informer.watch.stop();
        started();
        await healthy(informer);
        return;
      }
      if (informer.errors === before) {
        failures = 0;
        started();
        await healthy(informer);
        // Watching; client-node re-watches on its own when the API server ends a watch, and relists on 410.
        await new Promise<void>((resolve) => {
          if (informer.errors !== before || signal.aborted) return resolve();
          informer.wake = resolve;
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        informer.wake = undefined;
        if (signal.aborted) break;
      }
      failures++;
      failing.add(informer);
      const message = describeError(informer.kind, informer.lastError);
      log(`[live] ${cluster}: ${message}`);
      await store.unreachable(message).catch((e: unknown) => log(`[live] could not record the failure: ${e instanceof Error ? e.message : String(e)}`));
      await sleep(Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(failures - 1, 16)), signal);
    }
  }

  let pendingStarts = informers.length;
  let allStarted!: () => void;
  const listed = new Promise<void>((resolve) => (allStarted = resolve));
  const runs = informers.map((i) => {
    let counted = false;
    return run(i, () => {
      if (counted) return;
      counted = true;
      if (--pendingStarts === 0) allStarted();
    });
  });
  await Promise.race([listed, new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }))]);
  if (!signal.aborted) {
    const apps = current();
    await store.replaceAll(apps, null);
    stored = new Map(apps.map((a) => [a.key, sameApplication(a)]));
    // Events that arrived while the set was being written.
    schedule();
  }
  await Promise.all(runs);
  clearTimeout(timer);
  await Promise.all(informers.map((i) => i.watch.stop()));
  await writing;
}
