import { ApiException, CustomObjectsApi, Watch, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { recordKubernetesList, type KubernetesListReason } from "@/lib/metrics/registry";
import { reshapeApplication } from "../argocd/reshape";
import type { WireApplication } from "../argocd/wire";
import { sleep, type LiveStateStore } from "../follow";
import type { LiveApplication, LiveEvent } from "../types";
import { KindWatch, WatchError, type KindList } from "./kind-watch";
import { kindPath, WATCHED_KINDS, type WatchedKind } from "./kinds";
import { reshapeHelmRelease, reshapeKustomization } from "./reshape-flux";
import { slimSource, type KubernetesResumeState } from "./resume-state";
import type { FluxHelmRelease, FluxKustomization, FluxSource } from "./wire";

// Follows one cluster's Flux and Argo CD objects: each kind is listed, then watched from the list's
// resourceVersion (with bookmarks), or, after a restart, watched from the resourceVersion stored with the
// rows, without a list (kind-watch.ts says why not client-node's ListWatch). A 410 Gone lists that kind
// again. The first full listing is stored whole; afterwards the events of a short window are one write
// of the objects that changed, with each kind's resourceVersion in the same transaction, so a stored
// version never runs ahead of the stored rows. A kind that fails is retried with growing waits and its
// source is stale meanwhile; a kind the cluster does not serve (no Argo CD on a Flux cluster) is left out.

export interface KubernetesStateStore extends LiveStateStore {
  /** The stored resume state (null: list everything) and the keys of the rows stored. */
  kubernetesResumePoint(): Promise<{ state: KubernetesResumeState | null; keys: string[] }>;
  saveResumeState(state: KubernetesResumeState): Promise<void>;
}

export interface KubernetesFollowOptions {
  kubeConfig: KubeConfig;
  /** The cluster's name as the repositories call it; Flux objects' destination. */
  cluster: string;
  /** The live source's name, for metrics; the cluster's by default. */
  source?: string;
  store: KubernetesStateStore;
  signal: AbortSignal;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long events are gathered into one write. */
  batchMs?: number;
  /** How often a resourceVersion that moved without a stored change (bookmarks) is written. */
  saveVersionMs?: number;
  log?: (line: string) => void;
}

type Kind = WatchedKind["kind"];
const SOURCE_KINDS: ReadonlySet<Kind> = new Set(["GitRepository", "OCIRepository"]);
/** The kinds whose rows read a source's URL. */
const DEPENDENT_KINDS: readonly Kind[] = ["Kustomization", "HelmRelease"];
const ROW_KINDS: readonly Kind[] = ["Kustomization", "HelmRelease", "Application"];

interface Entry {
  kind: WatchedKind;
  watch: KindWatch;
  /** List before the next watch (no stored version, 410 Gone, or a partial cache a source change needs whole). */
  listReason: KubernetesListReason | null;
  /** The cluster does not serve this kind (404 on list). */
  absent: boolean;
}

function describeError(kind: WatchedKind, error: unknown): string {
  if (error instanceof ApiException) {
    const reason = error.code === 401 ? "unauthorized" : error.code === 403 ? "forbidden (the ClusterRole needs get, list and watch on it)" : `HTTP ${error.code}`;
    return `list ${kind.plural}.${kind.group}: ${reason}`;
  }
  if (error instanceof WatchError) return `watch ${kind.plural}.${kind.group}: ${error.message}`;
  const status = (error as { statusCode?: number } | null)?.statusCode;
  if (status) return `watch ${kind.plural}.${kind.group}: HTTP ${status}`;
  const cause = (error as { cause?: { code?: string } } | null)?.cause?.code ?? (error as { code?: string } | null)?.code;
  return `${kind.plural}.${kind.group}: ${error instanceof Error ? error.message : String(error)}${cause && !String(error).includes(cause) ? ` (${cause})` : ""}`;
}

const sameApplication = (a: LiveApplication) => JSON.stringify({ ...a, resourceVersion: null });
const slimJson = (o: KubernetesObject | undefined) => (o ? JSON.stringify(slimSource(o as FluxSource)) : "");

/** Follows until `signal` aborts; never throws for the cluster's failures (they are stored instead). */
export async function followKubernetes(options: KubernetesFollowOptions): Promise<void> {
  const { kubeConfig, cluster, store, signal, backoffMs = 1_000, maxBackoffMs = 60_000, batchMs = 100, saveVersionMs = 60_000, log = () => {} } = options;
  const sourceName = options.source ?? cluster;
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const watcher = new Watch(kubeConfig);
  const server = kubeConfig.getCurrentCluster()?.server ?? "";
  const resume = await store.kubernetesResumePoint();
  if (resume.state && resume.state.server !== server) {
    log(`[live] ${cluster}: the stored resourceVersions are of ${resume.state.server || "another API server"}, not ${server}: listing`);
    resume.state = null;
  }

  let lastReachableWrite = 0;
  /** A kind's version moved past what is stored (events that changed no row, bookmarks). */
  let versionsMoved = false;
  let lastStateSave = Date.now();

  const entries = new Map<Kind, Entry>();
  for (const kind of WATCHED_KINDS) {
    const list = async (): Promise<KindList> => (await api.listClusterCustomObject({ group: kind.group, version: kind.version, plural: kind.plural })) as KindList;
    const watch = new KindWatch(kindPath(kind), watcher, list, {
      event: (_type, object, before) => changed(kind.kind, object, before),
      bookmark: () => {
        versionsMoved = true;
        if (Date.now() - lastStateSave >= saveVersionMs) schedule();
        // A bookmark says the API server answers: keeps an idle source from counting as unheard, once a minute.
        if (Date.now() - lastReachableWrite < 60_000) return;
        lastReachableWrite = Date.now();
        void store.reachable().catch(() => {});
      },
    });
    const stored = resume.state?.kinds[kind.plural];
    if (stored) watch.resume(stored.resourceVersion, SOURCE_KINDS.has(kind.kind) ? (stored.objects ?? []).map((o) => o as KubernetesObject) : undefined);
    entries.set(kind.kind, { kind, watch, listReason: stored ? null : "no-stored-version", absent: false });
  }
  const entry = (kind: Kind) => entries.get(kind) as Entry;
  const resumed = [...entries.values()].filter((e) => e.listReason === null);
  if (resumed.length > 0) log(`[live] ${cluster}: watching ${resumed.map((e) => e.kind.plural).join(", ")} from the stored resourceVersions, without listing`);

  const sources = {
    get: (kind: string, namespace: string, name: string) => (SOURCE_KINDS.has(kind as Kind) ? (entry(kind as Kind).watch.get(namespace, name) as FluxSource | undefined) : undefined),
  };

  /** The live object a Kustomization, HelmRelease or Application is; undefined for a source or a nameless one. */
  function reshape(kind: Kind, object: KubernetesObject): LiveApplication | undefined {
    if (kind === "Kustomization") return reshapeKustomization(object as FluxKustomization, sources, cluster);
    if (kind === "HelmRelease") return reshapeHelmRelease(object as FluxHelmRelease, sources, cluster);
    if (kind !== "Application") return undefined;
    const app = reshapeApplication(object as WireApplication);
    return app ? { ...app, key: `Application/${app.key}` } : undefined;
  }

  const kindObjects = (e: Entry) => (e.absent ? [] : [...e.watch.objects.values()]);
  function current(): LiveApplication[] {
    return ROW_KINDS.flatMap((kind) => kindObjects(entry(kind)).flatMap((o) => reshape(kind, o) ?? []));
  }

  /** The stored rows' keys and what they hold; null until the first full listing is stored (unless resumed). */
  let written: Map<string, string> | null = resumed.length > 0 ? new Map(resume.keys.map((k) => [k, ""])) : null;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const failing = new Set<Entry>();
  let dirtyObjects = new Map<string, { kind: Kind; namespace: string; name: string }>();
  /** Kinds whose every object is reshaped again (a source's URL changed, the kind was listed again). */
  let dirtyKinds = new Set<Kind>();
  let sourcesChanged = false;

  function changed(kind: Kind, object: KubernetesObject, before: KubernetesObject | undefined): void {
    versionsMoved = true;
    if (SOURCE_KINDS.has(kind)) {
      const after = entry(kind).watch.get(object.metadata?.namespace ?? "", object.metadata?.name ?? "");
      // A GitRepository's status moves with every fetch; only its URL and ref change what is stored.
      if (slimJson(before) === slimJson(after)) return;
      sourcesChanged = true;
      for (const k of DEPENDENT_KINDS) dirtyKinds.add(k);
    } else {
      const namespace = object.metadata?.namespace ?? "";
      const name = object.metadata?.name ?? "";
      dirtyObjects.set(`${kind}/${namespace}/${name}`, { kind, namespace, name });
    }
    schedule();
  }

  /** After a list: its kind is compared whole with what is stored. */
  function listed(e: Entry, before: Map<string, KubernetesObject>): void {
    versionsMoved = true;
    if (SOURCE_KINDS.has(e.kind.kind)) {
      const keys = new Set([...before.keys(), ...e.watch.objects.keys()]);
      if ([...keys].every((k) => slimJson(before.get(k)) === slimJson(e.watch.objects.get(k)))) return;
      sourcesChanged = true;
      for (const k of DEPENDENT_KINDS) dirtyKinds.add(k);
    } else dirtyKinds.add(e.kind.kind);
    schedule();
  }

  /** A kind restored from a version alone must be listed before a source change can be applied to it. */
  function listAgain(e: Entry, reason: KubernetesListReason): void {
    if (e.listReason) return;
    log(`[live] ${cluster}: listing ${e.kind.plural}.${e.kind.group} again (${reason})`);
    e.listReason = reason;
    e.watch.end();
  }

  function schedule(): void {
    if (written === null || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      writing = writing.then(() => flush()).catch((e: unknown) => log(`[live] could not store ${cluster}'s objects: ${e instanceof Error ? e.message : String(e)}`));
    }, batchMs);
  }

  /** Each followed kind's version, with the sources; a kind about to be listed is left out (listed on restart). */
  function resumeState(): KubernetesResumeState {
    const kinds: KubernetesResumeState["kinds"] = {};
    for (const e of entries.values()) {
      if (e.listReason || e.absent || !e.watch.resourceVersion) continue;
      kinds[e.kind.plural] = { resourceVersion: e.watch.resourceVersion, ...(SOURCE_KINDS.has(e.kind.kind) ? { objects: [...e.watch.objects.values()].map((o) => slimSource(o as FluxSource)) } : {}) };
    }
    return { server, kinds };
  }

  /** Writes what changed; one event of 10,000 objects reshapes one object, not all of them. */
  async function flush(final = false): Promise<void> {
    if (written === null) return;
    const rows = written;
    const objects = dirtyObjects;
    const kinds = dirtyKinds;
    const moved = versionsMoved;
    const sourcesMoved = sourcesChanged;
    dirtyObjects = new Map();
    dirtyKinds = new Set();
    versionsMoved = false;
    sourcesChanged = false;
    const events: LiveEvent[] = [];
    const done = new Set<Kind>();
    for (const kind of kinds) {
      const e = entry(kind);
      if (!e.watch.complete && !e.absent) {
        // Restored from a version alone: which objects read the changed source is known after a list.
        listAgain(e, "source-changed");
        continue;
      }
      done.add(kind);
      const present = new Set<string>();
      for (const o of kindObjects(e)) {
        const app = reshape(kind, o);
        if (!app) continue;
        present.add(app.key);
        if (rows.get(app.key) !== sameApplication(app)) events.push({ type: "upsert", application: app });
      }
      for (const key of rows.keys()) if (key.startsWith(`${kind}/`) && !present.has(key)) events.push({ type: "delete", key });
    }
    for (const [key, o] of objects) {
      if (done.has(o.kind)) continue;
      const object = entry(o.kind).watch.get(o.namespace, o.name);
      const app = object ? reshape(o.kind, object) : undefined;
      if (app && rows.get(app.key) !== sameApplication(app)) events.push({ type: "upsert", application: app });
      else if (!app && rows.has(key)) events.push({ type: "delete", key });
    }
    const state = resumeState();
    try {
      if (events.length > 0) await store.apply(events, null, state);
      else if (sourcesMoved || (moved && (final || Date.now() - lastStateSave >= saveVersionMs))) await store.saveResumeState(state);
      else {
        versionsMoved ||= moved;
        return;
      }
    } catch (error) {
      // Not written: the next write takes these again.
      for (const [k, v] of objects) if (!dirtyObjects.has(k)) dirtyObjects.set(k, v);
      for (const k of done) dirtyKinds.add(k);
      versionsMoved = true;
      sourcesChanged ||= sourcesMoved;
      throw error;
    }
    lastStateSave = Date.now();
    for (const e of events) {
      if (e.type === "delete") rows.delete(e.key);
      else rows.set(e.application.key, sameApplication(e.application));
    }
  }

  async function healthy(e: Entry): Promise<void> {
    if (!failing.delete(e) || failing.size > 0) return;
    await store.reachable();
  }

  async function list(e: Entry): Promise<void> {
    const reason = e.listReason ?? "no-stored-version";
    const before = new Map(e.watch.objects);
    try {
      await e.watch.list();
    } catch (error) {
      // No such resource: the cluster does not have the CRD (no Argo CD on a Flux cluster).
      if (error instanceof ApiException && error.code === 404) e.absent = true;
      throw error;
    }
    recordKubernetesList(sourceName, e.kind.plural, reason);
    e.listReason = null;
    listed(e, before);
  }

  async function run(e: Entry, started: () => void): Promise<void> {
    let failures = 0;
    let expiries = 0;
    while (!signal.aborted) {
      try {
        if (e.listReason) await list(e);
        const since = Date.now();
        const end = await e.watch.watchOnce(signal, () => {
          failures = 0;
          started();
          void healthy(e).catch(() => {});
        });
        if (signal.aborted) break;
        if (end === "expired") {
          log(`[live] ${cluster}: ${e.kind.plural}.${e.kind.group}: resourceVersion ${e.watch.resourceVersion ?? ""} expired (410 Gone): listing again`);
          e.listReason = "expired";
          // A server that calls even a fresh list's version expired must not be listed in a loop.
          if (++expiries > 1) await sleep(Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(expiries - 2, 16)), signal);
          continue;
        }
        if (!e.listReason) expiries = 0;
        // The API server ended the watch (its timeout): watch on from the last version, pausing if it did so at once.
        if (Date.now() - since < 1_000 && !e.listReason) await sleep(backoffMs, signal);
      } catch (error) {
        if (signal.aborted) break;
        if (e.absent) {
          log(`[live] ${cluster}: the cluster does not serve ${e.kind.plural}.${e.kind.group}; not followed in this window`);
          e.listReason = null;
          // Rows of a kind that went away are deleted.
          if (written !== null) {
            dirtyKinds.add(e.kind.kind);
            schedule();
          }
          started();
          await healthy(e);
          return;
        }
        if (error instanceof WatchError && error.statusCode === 404) {
          // Resumed for a kind the cluster no longer serves: the list says so.
          e.listReason = "no-stored-version";
          continue;
        }
        failures++;
        failing.add(e);
        const message = describeError(e.kind, error);
        log(`[live] ${cluster}: ${message}`);
        await store.unreachable(message).catch((err: unknown) => log(`[live] could not record the failure: ${err instanceof Error ? err.message : String(err)}`));
        await sleep(Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(failures - 1, 16)), signal);
      }
    }
  }

  let pendingStarts = entries.size;
  let allStarted!: () => void;
  const ready = new Promise<void>((resolve) => (allStarted = resolve));
  const runs = [...entries.values()].map((e) => {
    let counted = false;
    return run(e, () => {
      if (counted) return;
      counted = true;
      if (--pendingStarts === 0) allStarted();
    });
  });
  await Promise.race([ready, new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }))]);
  if (!signal.aborted) {
    if (written === null) {
      // Everything was listed: stored whole, replacing what an earlier follower left.
      dirtyObjects = new Map();
      dirtyKinds = new Set();
      sourcesChanged = false;
      const apps = current();
      await store.replaceAll(apps, null, resumeState());
      versionsMoved = false;
      lastStateSave = Date.now();
      written = new Map(apps.map((a) => [a.key, sameApplication(a)]));
    } else await store.reachable();
    // Events that arrived meanwhile.
    schedule();
  }
  await Promise.all(runs);
  clearTimeout(timer);
  timer = undefined;
  for (const e of entries.values()) e.watch.end();
  await writing;
  // Where this window left off, for the next one.
  if (written !== null) await flush(true).catch((e: unknown) => log(`[live] could not store ${cluster}'s resume point: ${e instanceof Error ? e.message : String(e)}`));
}
