import { diag, DiagLogLevel } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { PrismaInstrumentation } from "@prisma/instrumentation";
import { log } from "./log";
import type { TracingConfig } from "./tracing-config";

export interface Tracing {
  /** Exports what is buffered now (tests; shutdown does it too). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the process-wide tracer provider: Next.js's own spans (requests, rendering, route
 * handlers) then record, Node's fetch (undici: octokit, gitbeaker, the OIDC client) gets a client
 * span per request with the `traceparent` header, and Prisma reports each operation and SQL query.
 * Only imported when tracing is configured (instrumentation.ts), so a process without it loads none
 * of this.
 */
export function startTracing(config: TracingConfig): Tracing {
  diag.setLogger(
    {
      error: (message, ...args) => log("error", `opentelemetry: ${message}`, detail(args)),
      warn: (message, ...args) => log("warn", `opentelemetry: ${message}`, detail(args)),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.serviceName, "service.version": process.env.npm_package_version ?? "0.1.0" }),
    // OTLP/HTTP with JSON bodies: every collector accepts it, and it needs no protobuf runtime.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }))],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new UndiciInstrumentation(), new PrismaInstrumentation()],
  });
  log("info", "tracing on", { service: config.serviceName, endpoint: config.tracesUrl });
  return { flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

function detail(args: unknown[]): Record<string, unknown> {
  return args.length ? { detail: args.map((a) => (a instanceof Error ? a.message : a)) } : {};
}
