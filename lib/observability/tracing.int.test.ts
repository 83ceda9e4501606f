import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { trace, type ProxyTracerProvider } from "@opentelemetry/api";
import type { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register } from "@/instrumentation";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { createDemoRepositories } from "@/lib/demo/create-demo-repos";
import { createOctokit } from "@/lib/scm/github/client";
import { FAST, startTokenServer, TEST_TOKEN } from "@/lib/scm/github/testing/connect";
import type { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { logLine } from "./log";
import { activeTraceIds, withSpan } from "./trace";
import { tracingConfig } from "./tracing-config";

// Tracing end to end: a real OTLP/HTTP receiver in this process, the real start-up path
// (instrumentation.ts's register), a real sync of a demo git repository into Postgres, and a real
// octokit call against the GitHub test server. What arrives at the receiver is asserted.

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
  status?: { code?: number; message?: string };
}
interface ReceivedSpan extends OtlpSpan {
  service: string;
  scope: string;
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}

const received: ReceivedSpan[] = [];
const posts: { path: string; contentType: string | undefined }[] = [];
let receiver: http.Server;
let receiverUrl: string;
let db: TestDatabase;
let dir: string;
let github: GitHubTestServer;

function attr(span: OtlpSpan, key: string): string | number | boolean | undefined {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  if (!value) return undefined;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue;
}

/** The span's ancestors within what was received, nearest first. */
function ancestors(span: OtlpSpan): ReceivedSpan[] {
  const chain: ReceivedSpan[] = [];
  let parentId = span.parentSpanId;
  while (parentId) {
    const parent = received.find((s) => s.spanId === parentId);
    if (!parent) break;
    chain.push(parent);
    parentId = parent.parentSpanId;
  }
  return chain;
}

async function flush() {
  await ((trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as NodeTracerProvider).forceFlush();
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      posts.push({ path: req.url ?? "", contentType: req.headers["content-type"] });
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpExport;
      for (const rs of body.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "";
        for (const ss of rs.scopeSpans) for (const span of ss.spans) received.push({ ...span, service, scope: ss.scope.name });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  db = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "ferry-tracing-"));
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = dir;
  const demo = await createDemoRepositories({ targetDir: path.join(dir, "repos") });
  for (const repo of demo) await db.prisma.repository.create({ data: { name: repo.name, provider: "git", url: repo.path } });
  github = await startTokenServer();
});

afterAll(async () => {
  await github?.close();
  await db?.drop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("OpenTelemetry traces", () => {
  it("reads the standard variables: off without an endpoint or when disabled, the worker named apart", () => {
    expect(tracingConfig({})).toBeNull();
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })).toBeNull();
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "none" })).toBeNull();
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" })).toEqual({ tracesUrl: "http://collector:4318/v1/traces", serviceName: "ferry-web" });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/custom", FERRY_SYNC_WORKER: "on" })).toEqual({ tracesUrl: "http://c:4318/custom", serviceName: "ferry-worker" });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", FERRY_SYNC_WORKER: "off", OTEL_SERVICE_NAME: "portal" })?.serviceName).toBe("portal");
  });

  it("without OTEL_EXPORTER_OTLP_ENDPOINT, start-up registers no provider: spans do not record and nothing is sent", async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.NEXT_RUNTIME = "nodejs";
    process.env.FERRY_SYNC_WORKER = "off";
    await register();
    // The API's proxy still has no delegate: no SDK, no exporter.
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate().constructor.name).toBe("NoopTracerProvider");
    const recording = await withSpan("ferry.test.untraced", {}, async (span) => {
      expect(activeTraceIds()).toEqual({});
      expect(JSON.parse(logLine("info", "no trace"))).not.toHaveProperty("trace_id");
      return span.isRecording();
    });
    expect(recording).toBe(false);
    expect((await syncRepositoryNow(db.prisma, "platform")).status).toBe("synced");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(posts).toEqual([]);
  });

  it("with it, a sync, its SQL and a forge call arrive as nested spans of service ferry-web", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiverUrl;
    await register();
    let logged: Record<string, string> = {};
    const result = await syncRepositoryNow(db.prisma, "payments-gitops");
    expect(result.status).toBe("synced");
    await withSpan("ferry.test.forge", {}, async () => {
      logged = JSON.parse(logLine("info", "asking the forge", { repository: "acme/gitops" })) as Record<string, string>;
      const octokit = createOctokit({ baseUrl: github.apiUrl, ...FAST, auth: { auth: TEST_TOKEN } });
      const pulls = await octokit.rest.pulls.list({ owner: github.owner, repo: github.repo });
      expect(pulls.status).toBe(200);
    });
    await flush();

    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((p) => p.path === "/v1/traces" && p.contentType?.startsWith("application/json"))).toBe(true);
    expect(new Set(received.map((s) => s.service))).toEqual(new Set(["ferry-web"]));

    const syncs = received.filter((s) => s.name === "ferry.repository.sync");
    expect(syncs.map((s) => [attr(s, "ferry.repository"), attr(s, "ferry.sync.status")])).toEqual([["payments-gitops", "synced"]]);
    const sync = syncs[0]!;
    expect(attr(sync, "ferry.sync.changed_files")).toBeGreaterThan(0);
    // Prisma's spans (through the pg driver adapter) sit under the sync: operations and the SQL they ran.
    const underSync = received.filter((s) => ancestors(s).some((a) => a.spanId === sync.spanId));
    expect(underSync.every((s) => s.traceId === sync.traceId)).toBe(true);
    const queries = underSync.filter((s) => s.name === "prisma:client:db_query");
    expect(queries.length).toBeGreaterThan(3);
    expect(queries.some((q) => String(attr(q, "db.query.text")).includes("pg_try_advisory_xact_lock"))).toBe(true);
    expect(underSync.some((s) => s.name === "prisma:client:operation")).toBe(true);

    // octokit goes through Node's fetch: undici's client span is a child of ours, with the URL and status.
    const forge = received.find((s) => s.name === "ferry.test.forge")!;
    const calls = received.filter((s) => s.parentSpanId === forge.spanId && s.scope.includes("undici"));
    expect(calls).toHaveLength(1);
    expect(String(attr(calls[0]!, "url.full"))).toBe(`${github.apiUrl}/repos/acme/gitops/pulls`);
    expect(attr(calls[0]!, "http.response.status_code")).toBe(200);
    expect(calls[0]!.kind).toBe(3); // CLIENT

    // The log line written inside the span names it.
    expect(logged.trace_id).toBe(forge.traceId);
    expect(logged.span_id).toBe(forge.spanId);
  });

  it("a failed sync marks its span as an error with the reason", async () => {
    await db.prisma.repository.create({ data: { name: "gone", provider: "git", url: path.join(dir, "repos", "does-not-exist") } });
    const result = await syncRepositoryNow(db.prisma, "gone");
    expect(result.status).toBe("error");
    await flush();
    const span = received.find((s) => s.name === "ferry.repository.sync" && attr(s, "ferry.repository") === "gone");
    expect(span?.status?.code).toBe(2);
    expect(span?.status?.message).toBe(result.error);
  });
});
