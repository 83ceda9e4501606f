// The production server for the page measurements: `next start` in its own process group (it has
// children of its own; only a group kill reaches them all), output to a log file, stopped by group.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, openSync, closeSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { timeGet } from "./http-timing";

export interface ServerHandle {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  root: string;
  port: number;
  env: Record<string, string>;
  /** Options for node itself (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  logFile: string;
  log: (line: string) => void;
}

/** Process groups of servers still running, so a Ctrl+C of the benchmark can take them down too. */
export const liveServerGroups = new Set<number>();

const nextBin = (root: string) => path.join(root, "node_modules", ".bin", "next");

/** Runs `next build` when there is no build at all; says so, since it takes minutes and skews load. */
export async function ensureBuild(root: string, log: (line: string) => void): Promise<{ built: boolean; buildTime: Date }> {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (existsSync(buildId)) return { built: false, buildTime: statSync(buildId).mtime };
  log("no production build (.next/BUILD_ID missing): running next build first (not part of any measurement)");
  const code = await new Promise<number>((resolve) => {
    const child = spawn(nextBin(root), ["build"], { cwd: root, stdio: "inherit" });
    child.on("error", () => resolve(127));
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`next build failed with exit code ${code}`);
  return { built: true, buildTime: statSync(buildId).mtime };
}

export async function startNextServer(opts: StartServerOptions): Promise<ServerHandle> {
  const out = openSync(opts.logFile, "w");
  let child: ChildProcess;
  try {
    const start = ["start", "-p", String(opts.port)];
    child = spawn(...(opts.nodeArgs?.length ? ([process.execPath, [...opts.nodeArgs, nextBin(opts.root), ...start]] as const) : ([nextBin(opts.root), start] as const)), {
      cwd: opts.root,
      detached: true,
      stdio: ["ignore", out, out],
      // The page phase signs in as the demo users; production refuses them unless this says so.
      env: { ...process.env, FERRY_ALLOW_DEMO_SIGNIN: "1", ...opts.env, PORT: String(opts.port), NODE_ENV: "production" },
    });
  } finally {
    closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn next start");
  liveServerGroups.add(pid);
  let exited: string | null = null;
  const exitedPromise = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exited = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
  });

  const stop = async () => {
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
      } catch {
        // the group is gone
      }
    };
    if (!exited) {
      signalGroup("SIGTERM");
      await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 10_000))]);
    }
    // Workers of next may outlive the leader: whatever is left of the group goes now.
    signalGroup("SIGKILL");
    await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 5_000))]);
    liveServerGroups.delete(pid);
  };

  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (exited) throw new Error(`next start stopped (${exited}): ${await tail(opts.logFile)}`);
      if (Date.now() > deadline) throw new Error(`next start did not answer within 90 s: ${await tail(opts.logFile)}`);
      // /signin is outside the proxy's redirect and needs no session: a cheap readiness probe.
      const ok = await timeGet(`${url}/signin`, undefined, 5_000).then(
        (r) => r.status > 0 && r.status < 500,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  opts.log(`next start is up on ${url} (process group ${pid}, log ${path.relative(opts.root, opts.logFile)})`);
  return { url, pid, stop };
}

async function tail(file: string): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.trim().split("\n").slice(-8).join(" / ") || "(no output)";
}
