// Git plumbing for the benchmark's own repositories. Pinned environment (no user or system config,
// fixed identity) so the generated history does not depend on who runs the benchmark.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export const BENCH_IDENTITY = { name: "Ferry Bench", email: "bench@ferry.example" };

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: BENCH_IDENTITY.name,
    GIT_AUTHOR_EMAIL: BENCH_IDENTITY.email,
    GIT_COMMITTER_NAME: BENCH_IDENTITY.name,
    GIT_COMMITTER_EMAIL: BENCH_IDENTITY.email,
    LC_ALL: "C",
  };
}

export async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("git", ["-c", "commit.gpgsign=false", ...args], { cwd, env: env(), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Feeds a fast-import stream to `git fast-import` in `cwd` (one process per repository, no temp files). */
export function fastImport(cwd: string, stream: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["fast-import", "--quiet", "--done"], { cwd, env: env(), stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}: ${stderr.trim()}`))));
    child.stdin.end(stream);
  });
}

/** One commit of `files` on refs/heads/main as a fast-import stream (inline blobs; ASCII-safe lengths via Buffer). */
export function fastImportStream(files: ReadonlyMap<string, string>, message: string, epochSeconds: number): Buffer {
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s, "utf8"));
  const data = (s: string) => {
    const bytes = Buffer.from(s, "utf8");
    text(`data ${bytes.length}\n`);
    parts.push(bytes);
    text("\n");
  };
  const who = `${BENCH_IDENTITY.name} <${BENCH_IDENTITY.email}> ${epochSeconds} +0000`;
  text(`commit refs/heads/main\nauthor ${who}\ncommitter ${who}\n`);
  data(message);
  for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    text(`M 100644 inline ${path}\n`);
    data(content);
  }
  text("\ndone\n");
  return Buffer.concat(parts);
}
