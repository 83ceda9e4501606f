import pg from "pg";

/**
 * libpq accepts `postgresql://user:pw@/db?host=/socket/dir` (no host in the authority), which the
 * WHATWG parser rejects; a placeholder host makes it parseable and `?host=` still wins below.
 */
function parseConnectionUrl(connectionString: string): URL | undefined {
  for (const candidate of [connectionString, connectionString.replace(/@\//, "@localhost/")]) {
    try {
      return new URL(candidate);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** Where a connection string points, safe to print: `host:port/database`, never user or password. */
export function describeTarget(connectionString: string): string {
  const url = parseConnectionUrl(connectionString);
  if (!url) return "(unparseable DATABASE_URL)";
  const params = url.searchParams;
  // libpq allows the host (often a socket directory) in the query string instead of the authority.
  const host = params.get("host") ?? (url.hostname ? decodeURIComponent(url.hostname) : "localhost");
  const port = params.get("port") ?? (url.port || "5432");
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "(default database)";
  return `${host}:${port}/${database}`;
}

/** Removes the password (plain and URL-encoded) from a message that may quote the connection string. */
export function redactSecrets(message: string, connectionString: string): string {
  const url = parseConnectionUrl(connectionString);
  // Not a URL: the only secret we could leak is the whole string.
  if (!url) return connectionString ? message.split(connectionString).join("(DATABASE_URL)") : message;
  const password = url.password;
  if (!password) return message;
  const forms = new Set([password, safeDecode(password)]);
  let out = message;
  for (const form of forms) if (form) out = out.split(form).join("****");
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

interface PgErrorLike {
  code?: string;
  message?: string;
}

/** A short human explanation of a failed connection, e.g. "connection refused". */
export function explainConnectError(error: unknown, connectionString: string, timeoutMs: number): string {
  const err = (typeof error === "object" && error !== null ? error : {}) as PgErrorLike;
  const reason = (() => {
    switch (err.code) {
      case "ECONNREFUSED":
        return "connection refused";
      case "ENOTFOUND":
      case "EAI_AGAIN":
        return "host not found";
      case "ETIMEDOUT":
        return `no answer within ${Math.round(timeoutMs / 1000)} s`;
      case "28P01":
      case "28000":
        return "authentication failed (check the user and password in DATABASE_URL)";
      case "3D000":
        return "the database does not exist (create it first)";
      default:
        if (/timeout/i.test(err.message ?? "")) return `no answer within ${Math.round(timeoutMs / 1000)} s`;
        return err.message ?? String(error);
    }
  })();
  return redactSecrets(reason, connectionString);
}

export type DatabaseCheck = { ok: true; target: string } | { ok: false; target: string; message: string };

/**
 * Connects once and runs `SELECT 1`, so the launcher can say "cannot reach host:port/db" in one line
 * instead of letting the app fail later on its first query.
 */
export async function checkDatabase(connectionString: string, options: { timeoutMs?: number } = {}): Promise<DatabaseCheck> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const target = describeTarget(connectionString);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  // Without a listener a late socket error would crash the process after we already answered.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { ok: true, target };
  } catch (error) {
    const reason = explainConnectError(error, connectionString, timeoutMs);
    return { ok: false, target, message: `cannot reach PostgreSQL at ${target}: ${reason}` };
  } finally {
    await client.end().catch(() => {});
  }
}
