import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { kindPath, WATCHED_KINDS, type WatchedKind } from "../kubernetes/kinds";
import { loadCrd, validateCrdSchema, type LoadedCrd } from "./crd-schema";

// A Kubernetes API server for tests, over real HTTP, for the kinds a Kubernetes live source reads:
// GET /apis/<group>/<version>/<plural> lists every namespace's objects with the list's resourceVersion;
// with ?watch=true it streams newline-delimited JSON events from a resourceVersion (ADDED, MODIFIED,
// DELETED; BOOKMARK when allowWatchBookmarks asks for them): first the events after that version from its
// history (as the API server's watch cache replays them, deletions included), then new ones; without a
// version, the objects held as ADDED. A resourceVersion older than the history (compact()) gets an ERROR
// event carrying 410 Gone, as the API server answers. Bearer token required.
// Every object it holds is validated against its CRD's schema (../shared/specs/flux-crds, argocd-crds);
// a violation is kept in `violations` (and the object refused), so tests fail on it.

const CRD_FILES: Record<WatchedKind["kind"], string> = {
  Kustomization: "flux-crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml",
  HelmRelease: "flux-crds/helm.toolkit.fluxcd.io_helmreleases.yaml",
  GitRepository: "flux-crds/source.toolkit.fluxcd.io_gitrepositories.yaml",
  OCIRepository: "flux-crds/source.toolkit.fluxcd.io_ocirepositories.yaml",
  Application: "argocd-crds/application-crd.yaml",
};

export interface KubeObject {
  apiVersion?: string;
  kind: WatchedKind["kind"];
  metadata: { name: string; namespace: string; resourceVersion?: string; [key: string]: unknown };
  spec?: unknown;
  status?: unknown;
}

export interface KubernetesTestServer {
  url: string;
  token: string;
  /** Requests received: lists and watches by plural, and refused ones. */
  requests: { list: Record<string, number>; watch: Record<string, number>; unauthorized: number; notFound: number };
  /** The resourceVersion each watch asked to start from, by plural ("" when none). */
  watchedFrom: Record<string, string[]>;
  violations: string[];
  /** Adds or replaces an object (ADDED or MODIFIED to open watches); refused if it breaks its CRD's schema. */
  upsert(object: KubeObject): void;
  remove(kind: WatchedKind["kind"], namespace: string, name: string): void;
  /** Watches from a resourceVersion before now get an ERROR event with 410 Gone, as after a compaction. */
  compact(): void;
  /** Sends a BOOKMARK to every open watch that asked for them. */
  bookmark(): void;
  /** Ends every open watch, as the API server does after its timeout. */
  dropWatches(): void;
  /** Kinds the server answers 404 for, as a cluster without that CRD. */
  withoutKinds(kinds: WatchedKind["kind"][]): void;
  openWatches(): number;
  resourceVersion(): number;
  close(): Promise<void>;
}

interface Watcher {
  plural: string;
  res: http.ServerResponse;
  bookmarks: boolean;
}

/** `resourceVersion`: where a restarted server's versions go on from (etcd keeps them across restarts). */
export async function startKubernetesTestServer(options: { token?: string; port?: number; resourceVersion?: number } = {}): Promise<KubernetesTestServer> {
  const token = options.token ?? "kube-readonly-token";
  const crds = new Map<string, { kind: WatchedKind; crd: LoadedCrd }>(WATCHED_KINDS.map((k) => [kindPath(k), { kind: k, crd: loadCrd(CRD_FILES[k.kind]) }]));
  const objects = new Map<string, Map<string, KubeObject>>(WATCHED_KINDS.map((k) => [k.plural, new Map()]));
  const watchers = new Set<Watcher>();
  const sockets = new Set<Socket>();
  const violations: string[] = [];
  const requests: KubernetesTestServer["requests"] = { list: {}, watch: {}, unauthorized: 0, notFound: 0 };
  const watchedFrom: Record<string, string[]> = {};
  /** Every change since the last compaction, in order, as the watch cache keeps them. */
  let history: { plural: string; type: string; object: KubeObject }[] = [];
  let absent = new Set<string>();
  let rv = options.resourceVersion ?? 100;
  let compactedBelow = 0;

  const kindOf = (kind: WatchedKind["kind"]) => WATCHED_KINDS.find((k) => k.kind === kind) as WatchedKind;
  const send = (w: Watcher, event: unknown) => w.res.write(`${JSON.stringify(event)}\n`);
  const notify = (plural: string, type: string, object: KubeObject) => {
    history.push({ plural, type, object });
    for (const w of watchers) if (w.plural === plural) send(w, { type, object });
  };

  function status(res: http.ServerResponse, code: number, reason: string, message: string) {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.headers.authorization !== `Bearer ${token}`) {
      requests.unauthorized++;
      return status(res, 401, "Unauthorized", "Unauthorized");
    }
    const entry = crds.get(url.pathname);
    if (req.method !== "GET" || !entry || absent.has(entry.kind.kind)) {
      requests.notFound++;
      return status(res, 404, "NotFound", "the server could not find the requested resource");
    }
    const { kind } = entry;
    const held = objects.get(kind.plural) as Map<string, KubeObject>;
    const watch = url.searchParams.get("watch");
    if (watch !== "true" && watch !== "1") {
      requests.list[kind.plural] = (requests.list[kind.plural] ?? 0) + 1;
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ apiVersion: `${kind.group}/${kind.version}`, kind: `${kind.kind}List`, metadata: { resourceVersion: String(rv) }, items: [...held.values()] }));
    }
    requests.watch[kind.plural] = (requests.watch[kind.plural] ?? 0) + 1;
    const version = url.searchParams.get("resourceVersion") ?? "";
    (watchedFrom[kind.plural] ??= []).push(version);
    const from = Number(version || "0");
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    res.flushHeaders();
    const w: Watcher = { plural: kind.plural, res, bookmarks: url.searchParams.get("allowWatchBookmarks") === "true" };
    if (version && version !== "0" && from < compactedBelow) {
      // The API server's answer to a watch from a compacted resourceVersion: one ERROR event, then the end.
      send(w, { type: "ERROR", object: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `too old resource version: ${from} (${compactedBelow})`, reason: "Expired", code: 410 } });
      return res.end();
    }
    if (!version || version === "0") for (const o of held.values()) send(w, { type: "ADDED", object: o });
    else for (const h of history) if (h.plural === kind.plural && Number(h.object.metadata.resourceVersion) > from) send(w, h);
    watchers.add(w);
    res.on("close", () => watchers.delete(w));
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    watchedFrom,
    violations,
    upsert(object) {
      const kind = kindOf(object.kind);
      const problems = validateCrdSchema({ ...object, apiVersion: `${kind.group}/${kind.version}` }, (crds.get(kindPath(kind)) as { crd: LoadedCrd }).crd.schema);
      if (problems.length > 0) {
        violations.push(...problems.map((p) => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}: ${p}`));
        return;
      }
      const held = objects.get(kind.plural) as Map<string, KubeObject>;
      const key = `${object.metadata.namespace}/${object.metadata.name}`;
      const existed = held.has(key);
      const stored: KubeObject = { ...object, apiVersion: `${kind.group}/${kind.version}`, metadata: { ...object.metadata, resourceVersion: String(++rv) } };
      held.set(key, stored);
      notify(kind.plural, existed ? "MODIFIED" : "ADDED", stored);
    },
    remove(kindName, namespace, name) {
      const kind = kindOf(kindName);
      const held = objects.get(kind.plural) as Map<string, KubeObject>;
      const object = held.get(`${namespace}/${name}`);
      if (!object) return;
      held.delete(`${namespace}/${name}`);
      notify(kind.plural, "DELETED", { ...object, metadata: { ...object.metadata, resourceVersion: String(++rv) } });
    },
    compact() {
      // etcd's resourceVersion is global: another kind's write moves it past what the watches saw.
      compactedBelow = ++rv;
      history = [];
    },
    bookmark() {
      for (const w of watchers) {
        const kind = WATCHED_KINDS.find((k) => k.plural === w.plural) as WatchedKind;
        if (w.bookmarks) send(w, { type: "BOOKMARK", object: { apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, metadata: { resourceVersion: String(rv) } } });
      }
    },
    dropWatches() {
      for (const w of watchers) w.res.end();
      watchers.clear();
    },
    withoutKinds(kinds) {
      absent = new Set(kinds);
    },
    openWatches: () => watchers.size,
    resourceVersion: () => rv,
    async close() {
      for (const w of watchers) w.res.end();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
