import { execFile, spawn } from "node:child_process";
import { gitEnv } from "./git-env";

export interface RunGitOptions {
  /** Passed as `--git-dir`, so git never searches upwards for a repository. */
  gitDir?: string;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Written to git's stdin (then closed): object contents, index records, commit messages. */
  input?: string | Uint8Array;
}

/** A git process exited with an error. `stderr` is kept for mapping to ScmErrors. */
export class GitCommandError extends Error {
  override readonly name = "GitCommandError";
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  /** What git printed before failing (e.g. `push --porcelain` reports rejections on stdout). */
  readonly stdout: string;

  constructor(args: readonly string[], exitCode: number | null, stderr: string, options?: { cause?: unknown; detail?: string; stdout?: string }) {
    const firstLine = stderr.trim().split("\n")[0] || options?.detail || "no error output";
    super(`git ${args[0] ?? ""} failed (exit ${exitCode ?? "signal"}): ${firstLine}`, options);
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.stdout = options?.stdout ?? "";
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;
// ls-tree of a large monorepo or a long log can be tens of MB; refusing them would break sync.
const MAX_BUFFER = 512 * 1024 * 1024;

/** Runs git without a shell: every argument is passed as-is, never interpolated into a command line. */
export function runGit(args: readonly string[], opts: RunGitOptions = {}): Promise<string> {
  const fullArgs = opts.gitDir ? [`--git-dir=${opts.gitDir}`, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      fullArgs,
      {
        cwd: opts.cwd,
        env: gitEnv(opts.env),
        encoding: "utf8",
        maxBuffer: MAX_BUFFER,
        timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = typeof error.code === "number" ? error.code : null;
        const detail = error.code === "ENOENT" ? "the git executable was not found on PATH" : error.killed ? "timed out" : undefined;
        reject(new GitCommandError(args, code, stderr, { cause: error, detail, stdout }));
      },
    );
    if (opts.input !== undefined && child.stdin) {
      // git may exit before reading everything (e.g. a bad argument): its exit status carries the reason.
      child.stdin.on("error", () => undefined);
      child.stdin.end(opts.input);
    }
  });
}

export interface StreamGitControl {
  /** Stop reading: the process is killed and the promise resolves (the caller has what it needs). */
  stop(): void;
}

/**
 * Runs git and hands stdout to `onData` as it arrives, so a long history walk can end as soon as the
 * caller has its answer instead of reading the whole log.
 */
export function streamGit(
  args: readonly string[],
  opts: RunGitOptions & { onData: (chunk: Buffer, control: StreamGitControl) => void },
): Promise<void> {
  const fullArgs = opts.gitDir ? [`--git-dir=${opts.gitDir}`, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const child = spawn("git", fullArgs, {
      cwd: opts.cwd,
      env: gitEnv(opts.env),
      stdio: ["ignore", "pipe", "pipe"],
      timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      windowsHide: true,
    });
    let stopped = false;
    let stderr = "";
    const control: StreamGitControl = {
      stop() {
        if (stopped) return;
        stopped = true;
        child.stdout.removeAllListeners("data");
        child.kill("SIGTERM");
        resolve();
      },
    };
    child.stdout.on("data", (chunk: Buffer) => {
      if (!stopped) opts.onData(chunk, control);
    });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", (error) => {
      if (!stopped) reject(new GitCommandError(args, null, "", { cause: error, detail: error.message }));
    });
    child.on("close", (code) => {
      if (stopped) return;
      if (code === 0) resolve();
      else reject(new GitCommandError(args, code, stderr));
    });
  });
}
