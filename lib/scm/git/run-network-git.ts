import { spawn } from "node:child_process";
import { gitEnv } from "./git-env";
import { GitCommandError } from "./run-git";

// A git command that talks to a forge (fetch). Unlike local commands it can hang on the network, so
// it runs with a time limit that means what the API clients' request timeout means: "no answer for
// this long". Progress output counts as an answer (a big fetch that keeps receiving is not cut off),
// and an overall cap stops one that only trickles. On expiry the whole process group is killed:
// git runs the transfer in a child (git-remote-https) that would otherwise outlive it.

export interface NetworkGitOptions {
  gitDir: string;
  /** Extra environment (credentials as GIT_CONFIG_* variables: never in argv). */
  env: Record<string, string>;
  /** Without an answer (any output) for this long, the command is killed. */
  idleTimeoutMs: number;
  /** Killed after this long whatever it does. */
  totalTimeoutMs: number;
  input?: string;
}

/** The command was killed by its time limit. */
export class GitTimeoutError extends Error {
  override readonly name = "GitTimeoutError";
  constructor(readonly args: readonly string[], readonly afterMs: number, readonly idle: boolean) {
    super(`git ${args[0] ?? ""} was stopped after ${afterMs} ms ${idle ? "without an answer" : "in all"}`);
  }
}

export function runNetworkGit(args: readonly string[], opts: NetworkGitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", [`--git-dir=${opts.gitDir}`, ...args], { env: gitEnv(opts.env), stdio: ["pipe", "pipe", "pipe"], detached: true, windowsHide: true });
    let stdout = "";
    let stderr = "";
    let expired: GitTimeoutError | null = null;
    const kill = (error: GitTimeoutError) => {
      expired = error;
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    let idle = setTimeout(() => kill(new GitTimeoutError(args, opts.idleTimeoutMs, true)), opts.idleTimeoutMs);
    const total = setTimeout(() => kill(new GitTimeoutError(args, opts.totalTimeoutMs, false)), opts.totalTimeoutMs);
    const answered = () => {
      clearTimeout(idle);
      idle = setTimeout(() => kill(new GitTimeoutError(args, opts.idleTimeoutMs, true)), opts.idleTimeoutMs);
    };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      answered();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      answered();
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
    child.on("error", (error) => {
      clearTimeout(idle);
      clearTimeout(total);
      reject(new GitCommandError(args, null, "", { cause: error, detail: error.message }));
    });
    child.on("close", (code) => {
      clearTimeout(idle);
      clearTimeout(total);
      if (expired) return reject(expired);
      if (code === 0) return resolve(stdout);
      reject(new GitCommandError(args, code, withoutProgress(stderr), { stdout }));
    });
  });
}

/** Stderr without the progress meter (lines git redraws with "\r"), so messages show the error. */
function withoutProgress(stderr: string): string {
  return stderr
    .split(/\r?\n/)
    .map((line) => line.split("\r").pop() ?? "")
    .filter((line) => !/^(remote: )?(Enumerating|Counting|Compressing|Receiving|Resolving|Total|Unpacking) /.test(line.trim()))
    .join("\n");
}
