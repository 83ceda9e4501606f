/**
 * Whether this process exports traces, and under which service name. Read from the standard
 * OpenTelemetry variables so any collector's documentation applies as written.
 */
export interface TracingConfig {
  /** Where spans are POSTed (OTLP over HTTP, JSON). */
  tracesUrl: string;
  serviceName: string;
}

type Env = Record<string, string | undefined>;

/** null when tracing is off: no endpoint, `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. */
export function tracingConfig(env: Env = process.env): TracingConfig | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return null;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === "none") return null;
  const tracesUrl = tracesEndpoint(env);
  if (!tracesUrl) return null;
  return { tracesUrl, serviceName: serviceName(env) };
}

// The signal-specific variable is used as given; the general one gets the signal's path appended,
// as the OTLP exporter specification says.
function tracesEndpoint(env: Env): string | null {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return specific;
  const general = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!general) return null;
  return `${general.replace(/\/+$/, "")}/v1/traces`;
}

/**
 * The worker Deployment is the process started with `FERRY_SYNC_WORKER=on`; web replicas (`off`) and a
 * single `npm start` process (unset) serve people first. `OTEL_SERVICE_NAME` wins.
 */
export function serviceName(env: Env = process.env): string {
  const named = env.OTEL_SERVICE_NAME?.trim();
  if (named) return named;
  return env.FERRY_SYNC_WORKER === "on" ? "ferry-worker" : "ferry-web";
}
