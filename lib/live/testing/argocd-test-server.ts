import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { WireApplication } from "../argocd/wire";
import { argoCdDescription, queryParameters, responseSchema } from "./argocd-description";
import { validateSwagger } from "./swagger-schema";

// An Argo CD API server for tests, over real HTTP: GET /api/v1/applications (with the `fields`
// projection and the list's resourceVersion) and GET /api/v1/stream/applications (server-sent events,
// one grpc-gateway envelope per event, ADDED for every app when no resourceVersion is given), behind a
// bearer token. Every application it holds, every response and every stream message is validated
// against argocd-swagger.json; a violation answers 500 and is kept in `violations`, so tests fail on it.

const LIST = "/api/v1/applications";
const STREAM = "/api/v1/stream/applications";

export interface ArgoCdTestServer {
  url: string;
  token: string;
  /** Requests received, by route (`list`, `stream`, `unauthorized`). */
  requests: { list: number; stream: number; unauthorized: number };
  violations: string[];
  /** The `fields` of every request, in order (the projection Ferry asked for). */
  fields: (string | null)[];
  /** The next `count` requests answer `status` (a runtimeError body), as a failing API server does. */
  failNext(status: number, count?: number): void;
  /** Adds or replaces an application (MODIFIED/ADDED to open streams), bumping the resourceVersion. */
  upsert(app: WireApplication): void;
  remove(name: string): void;
  /** Streams resuming from a resourceVersion below this are told it expired (410), as a watch cache does. */
  expireBefore(resourceVersion: number): void;
  /** Ends every open stream, as a restarting server or a proxy timeout does. */
  dropStreams(): void;
  openStreams(): number;
  resourceVersion(): number;
  close(): Promise<void>;
}

interface Stream {
  res: http.ServerResponse;
  fields: string[] | null;
}

/** Keeps only the dotted `paths` of `value`; arrays are projected element by element. */
export function project(value: unknown, paths: readonly string[]): unknown {
  type Tree = Map<string, Tree | null>;
  const tree: Tree = new Map();
  for (const p of paths) {
    let node = tree;
    const parts = p.split(".");
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node.set(part, null);
      else {
        const next = node.get(part);
        if (next === null) return;
        if (!next) node.set(part, new Map());
        node = node.get(part) as Tree;
      }
    });
  }
  const apply = (v: unknown, t: Tree): unknown => {
    if (Array.isArray(v)) return v.map((e) => apply(e, t));
    if (!v || typeof v !== "object") return undefined;
    const out: Record<string, unknown> = {};
    for (const [key, sub] of t) {
      const child = (v as Record<string, unknown>)[key];
      if (child === undefined) continue;
      const projected = sub === null ? child : apply(child, sub);
      if (projected !== undefined) out[key] = projected;
    }
    return out;
  };
  return apply(value, tree);
}

export async function startArgoCdTestServer(options: { token?: string; port?: number } = {}): Promise<ArgoCdTestServer> {
  const token = options.token ?? "argocd-readonly-token";
  const { definitions } = argoCdDescription();
  const applicationSchema = { $ref: "#/definitions/v1alpha1Application" };
  const listSchema = responseSchema(LIST, 200);
  const streamSchema = responseSchema(STREAM, 200);
  const errorSchema = responseSchema(LIST, 401);
  const listParams = queryParameters(LIST);
  const streamParams = queryParameters(STREAM);

  const apps = new Map<string, WireApplication>();
  let version = 100;
  let expiredBelow = 0;
  const streams = new Set<Stream>();
  const sockets = new Set<Socket>();
  const violations: string[] = [];
  const requests = { list: 0, stream: 0, unauthorized: 0 };
  const fieldsSeen: (string | null)[] = [];
  let failing: { status: number; count: number } | null = null;

  const check = (what: string, value: unknown, schema: object): boolean => {
    const problems = validateSwagger(value, schema, definitions);
    for (const p of problems) violations.push(`${what}: ${p}`);
    return problems.length === 0;
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown, what: string, schema: object) => {
    if (!check(what, body, schema)) {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ code: 13, error: "test server violated the swagger", message: "test server violated the swagger" }));
      return;
    }
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };

  const fail = (res: http.ServerResponse, status: number, grpcCode: number, message: string) => sendJson(res, status, { code: grpcCode, error: message, message }, `error ${status}`, errorSchema);

  const streamMessage = (stream: Stream, type: string, app: WireApplication) => {
    const envelope = { result: { type, application: app } };
    const body = stream.fields ? project(envelope, stream.fields) : envelope;
    if (!check(`stream ${type}`, body, streamSchema)) return;
    stream.res.write(`data: ${JSON.stringify(body)}\n\n`);
  };

  const unknownParams = (url: URL, allowed: Set<string>): string[] => [...new Set(url.searchParams.keys())].filter((k) => !allowed.has(k));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://test");
    if (req.method !== "GET" || (url.pathname !== LIST && url.pathname !== STREAM)) return fail(res, 404, 5, `no route ${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${token}`) {
      requests.unauthorized++;
      return fail(res, 401, 16, "no session information");
    }
    const unknown = unknownParams(url, url.pathname === LIST ? listParams : streamParams);
    if (unknown.length > 0) {
      violations.push(`${url.pathname}: query parameters not in the description: ${unknown.join(", ")}`);
      return fail(res, 400, 3, `unknown query parameters ${unknown.join(", ")}`);
    }
    const fieldsParam = url.searchParams.get("fields");
    const fields = fieldsParam ? fieldsParam.split(",") : null;
    fieldsSeen.push(fieldsParam);
    if (failing && failing.count > 0) {
      failing.count--;
      return fail(res, failing.status, 14, "the API server is unavailable");
    }

    if (url.pathname === LIST) {
      requests.list++;
      const body = { metadata: { resourceVersion: String(version) }, items: [...apps.values()] };
      return sendJson(res, 200, fields ? project(body, fields) : body, "list", listSchema);
    }

    requests.stream++;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    const stream: Stream = { res, fields };
    const from = url.searchParams.get("resourceVersion");
    if (from && Number(from) < expiredBelow) {
      const envelope = { error: { grpc_code: 11, http_code: 410, http_status: "Gone", message: `too old resource version: ${from} (${expiredBelow})` } };
      if (check("stream error", envelope, streamSchema)) res.write(`data: ${JSON.stringify(envelope)}\n\n`);
      res.end();
      return;
    }
    streams.add(stream);
    res.on("close", () => streams.delete(stream));
    // Argo CD sends every application as ADDED when the watch starts without a resourceVersion.
    if (!from) for (const app of apps.values()) streamMessage(stream, "ADDED", app);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const broadcast = (type: string, app: WireApplication) => {
    for (const s of streams) streamMessage(s, type, app);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    violations,
    fields: fieldsSeen,
    failNext(status, count = 1) {
      failing = { status, count };
    },
    upsert(app) {
      const name = app.metadata?.name;
      if (!name) throw new Error("an application needs metadata.name");
      version++;
      const stored: WireApplication = { ...app, metadata: { namespace: "argocd", ...app.metadata, resourceVersion: String(version) } };
      if (!check(`application ${name}`, stored, applicationSchema)) throw new Error(`application ${name} does not match argocd-swagger.json: ${violations.slice(-3).join("; ")}`);
      const type = apps.has(name) ? "MODIFIED" : "ADDED";
      apps.set(name, stored);
      broadcast(type, stored);
    },
    remove(name) {
      const app = apps.get(name);
      if (!app) return;
      version++;
      apps.delete(name);
      broadcast("DELETED", { ...app, metadata: { ...app.metadata, resourceVersion: String(version) } });
    },
    expireBefore(rv) {
      expiredBelow = rv;
    },
    dropStreams() {
      for (const s of streams) s.res.end();
      streams.clear();
    },
    openStreams: () => streams.size,
    resourceVersion: () => version,
    async close() {
      for (const s of streams) s.res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A complete Argo CD Application (as the API server returns it) for tests. */
export function argoApplication(a: {
  name: string;
  repoURL: string;
  path?: string;
  chart?: string;
  targetRevision?: string;
  destination?: { server?: string; name?: string; namespace?: string };
  sync?: string;
  health?: string;
  revision?: string;
  images?: string[];
  finishedAt?: string;
}): WireApplication {
  const source = { repoURL: a.repoURL, path: a.path, chart: a.chart, targetRevision: a.targetRevision ?? "HEAD" };
  return {
    metadata: { name: a.name, namespace: "argocd" },
    spec: { source, destination: a.destination ?? { server: "https://kubernetes.default.svc", namespace: a.name }, project: "default" },
    status: {
      sync: { status: a.sync ?? "Synced", revision: a.revision },
      health: { status: a.health ?? "Healthy" },
      summary: { images: a.images ?? [] },
      operationState: a.finishedAt ? { phase: "Succeeded", finishedAt: a.finishedAt } : undefined,
      reconciledAt: a.finishedAt,
    },
  };
}
