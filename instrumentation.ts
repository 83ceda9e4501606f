// Runs once when a Next.js server process starts. The background sync worker lives here so that
// every portal process (one or many, on one database) takes part in the job queue.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  await startTracingIfConfigured();
  await refuseUnsafeSignIn();
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString || process.env.FERRY_SYNC_WORKER === "off") return;
  const { startBackgroundWork } = await import("./lib/sync/start-in-server");
  await startBackgroundWork(connectionString);
}

/**
 * The image runs `node server.js` without scripts/start.ts, so the sign-in check happens here too: demo
 * users in production or next to a real provider stop the process with what to set (npm start has
 * already checked and said its warnings).
 */
async function refuseUnsafeSignIn() {
  const { checkSignInConfig } = await import("./lib/auth/sign-in-config");
  const { FerryStartupError } = await import("./lib/db/errors");
  const { log } = await import("./lib/observability/log");
  try {
    const { warnings } = checkSignInConfig();
    if (!process.env.FERRY_LAUNCHER_NODE_ENV) for (const warning of warnings) log("warn", warning);
  } catch (error) {
    if (!(error instanceof FerryStartupError)) throw error;
    log("error", error.toLine());
    process.exit(1);
  }
}

/**
 * OpenTelemetry traces when OTEL_EXPORTER_OTLP_ENDPOINT (or …_TRACES_ENDPOINT) is set; otherwise the SDK is
 * never loaded. Registered before anything else so the first requests and the worker's jobs are traced.
 */
async function startTracingIfConfigured() {
  const { tracingConfig } = await import("./lib/observability/tracing-config");
  const config = tracingConfig();
  if (!config) return;
  const { startTracing } = await import("./lib/observability/start-tracing");
  const tracing = startTracing(config);
  // Spans still buffered (up to 5 s of them) are sent before the process goes.
  process.once("SIGTERM", () => void tracing.shutdown());
}
