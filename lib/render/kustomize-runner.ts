import { spawn } from "node:child_process";
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import path from "node:path";

// The one program Ferry runs on repository content: kustomize (its own binary, or kubectl's built-in
// copy), in a child process with a time, memory and output limit. Helm inflation and exec/alpha plugins
// stay off (they would run code from the repository), and the child gets no network proxy that works,
// no git protocol and no kubeconfig: a build reads the folder it was given, nothing else.

type Env = Record<string, string | undefined>;

export interface RenderLimits {
  timeoutMs: number;
  /** Address-space limit (RLIMIT_AS). Go reserves ~700 MiB of address space at start, so below ~800 MiB nothing runs. */
  memoryBytes: number;
  /** Rendered output past this is not read: the child is stopped and the rendering is unavailable. */
  maxOutputBytes: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = { timeoutMs: 20_000, memoryBytes: 1024 * 1024 * 1024, maxOutputBytes: 8 * 1024 * 1024 };

/** FERRY_RENDER_TIMEOUT_SECONDS, FERRY_RENDER_MEMORY_MB, FERRY_RENDER_MAX_OUTPUT_BYTES; a bad value is an error naming it. */
export function renderLimitsFromEnv(env: Env = process.env): RenderLimits {
  const num = (name: string, fallback: number, scale: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${raw}".`);
    return Math.round(n * scale);
  };
  return {
    timeoutMs: num("FERRY_RENDER_TIMEOUT_SECONDS", DEFAULT_RENDER_LIMITS.timeoutMs, 1000),
    memoryBytes: num("FERRY_RENDER_MEMORY_MB", DEFAULT_RENDER_LIMITS.memoryBytes, 1024 * 1024),
    maxOutputBytes: num("FERRY_RENDER_MAX_OUTPUT_BYTES", DEFAULT_RENDER_LIMITS.maxOutputBytes, 1),
  };
}

export interface Renderer {
  /** Shown to users: which program rendered ("kubectl kustomize", "kustomize build"). */
  label: string;
  command: string;
  args(dir: string): string[];
}

// Spelled out so the defaults never change under us: files only from within the folders being built.
const RESTRICT = "--load-restrictor=LoadRestrictionsRootOnly";

/**
 * The renderer to use: FERRY_KUSTOMIZE_BIN (a `kustomize` binary), else `kubectl kustomize` when kubectl
 * is on the PATH; otherwise the reason there is none.
 */
export function findRenderer(env: Env = process.env): { renderer: Renderer } | { unavailable: string } {
  const configured = env.FERRY_KUSTOMIZE_BIN?.trim();
  if (configured) {
    if (!path.isAbsolute(configured)) return { unavailable: `FERRY_KUSTOMIZE_BIN must be an absolute path, not "${configured}".` };
    if (!isExecutable(configured)) return { unavailable: `FERRY_KUSTOMIZE_BIN=${configured} is not an executable file.` };
    return { renderer: { label: "kustomize build", command: configured, args: (dir) => ["build", RESTRICT, dir] } };
  }
  const kubectl = onPath("kubectl", env.PATH);
  if (kubectl) return { renderer: { label: "kubectl kustomize", command: kubectl, args: (dir) => ["kustomize", RESTRICT, dir] } };
  return { unavailable: "no kustomize binary: set FERRY_KUSTOMIZE_BIN to a kustomize binary, or put kubectl on the PATH." };
}

export function onPath(program: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, program);
    if (isExecutable(full)) return full;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export type RenderOutcome =
  | { ok: true; output: string }
  | { ok: false; kind: "failed" | "timeout" | "too-large"; reason: string };

const MAX_ERROR_CHARS = 4000;

/**
 * Builds `dir` (relative to `root`) with the renderer, limited as `limits` says. The temp root is taken
 * out of error text, so messages name repository paths.
 */
export function runKustomize(renderer: Renderer, root: string, dir: string, limits: RenderLimits = DEFAULT_RENDER_LIMITS): Promise<RenderOutcome> {
  const realRoot = realpathSync(root);
  const target = path.join(realRoot, dir);
  const [command, args] = limited(renderer.command, renderer.args(target), limits.memoryBytes);
  return new Promise((resolve) => {
    // The program is configured at run time: nothing for the bundler to trace.
    const child = spawn(/*turbopackIgnore: true*/ command, args, {
      cwd: realRoot,
      env: childEnv(realRoot) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a timeout kills whatever it started too.
      detached: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let stopped: "timeout" | "too-large" | null = null;
    const kill = (why: "timeout" | "too-large") => {
      if (stopped) return;
      stopped = why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => kill("timeout"), limits.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      if (stopped) return;
      outBytes += chunk.length;
      if (outBytes > limits.maxOutputBytes) kill("too-large");
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (err.length < MAX_ERROR_CHARS * 2) err += chunk.toString("utf8");
    });
    const finish = (outcome: RenderOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    child.on("error", (e) => finish({ ok: false, kind: "failed", reason: `${renderer.label} could not start: ${e.message}` }));
    child.on("close", (code, signal) => {
      if (stopped === "timeout") return finish({ ok: false, kind: "timeout", reason: `${renderer.label} did not finish within ${Math.round(limits.timeoutMs / 100) / 10} s and was stopped.` });
      if (stopped === "too-large") return finish({ ok: false, kind: "too-large", reason: `${renderer.label} rendered more than ${limits.maxOutputBytes} bytes; rendering stopped there.` });
      if (code === 0) return finish({ ok: true, output: Buffer.concat(out).toString("utf8") });
      const text = errorText(err, [realRoot, root]);
      const memory = /failed to reserve|out of memory|cannot allocate memory/i.test(err) ? ` (memory limit ${Math.round(limits.memoryBytes / 1024 / 1024)} MiB reached)` : "";
      finish({ ok: false, kind: "failed", reason: `${renderer.label} failed${signal ? ` (${signal})` : ` (exit ${code})`}${memory}: ${text || "no error message"}` });
    });
  });
}

/** The command under an address-space limit: util-linux prlimit when present, else the shell's ulimit. */
function limited(command: string, args: string[], memoryBytes: number): [string, string[]] {
  const prlimit = onPath("prlimit", process.env.PATH);
  if (prlimit) return [prlimit, [`--as=${memoryBytes}`, "--", command, ...args]];
  return ["/bin/sh", ["-c", 'ulimit -v "$1" || exit 125; shift; exec "$@"', "sh", String(Math.floor(memoryBytes / 1024)), command, ...args]];
}

function childEnv(home: string): Env {
  const deadProxy = "http://127.0.0.1:9";
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    // kubectl kustomize needs no cluster; never hand it the server's credentials.
    KUBECONFIG: "/dev/null",
    // Remote bases are refused before a build (outside-refs.ts); should one slip through, it cannot be fetched.
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    http_proxy: deadProxy,
    https_proxy: deadProxy,
    GIT_ALLOW_PROTOCOL: "none",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
  };
}

/** kubectl's klog prefix and quoting removed, temp paths taken out, shortened. */
function errorText(stderr: string, roots: string[]): string {
  let text = stderr.trim();
  const klog = /^E\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] "command failed" err="((?:[^"\\]|\\.)*)"/m.exec(text);
  if (klog?.[1] !== undefined) text = klog[1].replace(/\\"/g, '"').replace(/\\\\/g, "\\");
  text = text.replace(/^Error: /, "");
  for (const r of roots) text = text.split(`${r}/`).join("").split(r).join(".");
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
