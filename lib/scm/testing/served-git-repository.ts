import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import type { EncodedObject } from "./git-objects";

// Git smart HTTP for the forge test servers, served the way a git host serves it: a real bare
// repository behind git's own CGI program, git-http-backend (Debian's git package). The servers keep
// their repositories as in-memory models; before each git request the model's new objects are
// written into the bare repository as loose objects and its refs replaced, so a clone sees exactly
// what the API shows. Partial clones need uploadpack.allowFilter, and fetching single blobs by id
// (what a partial clone does for the blobs it lacks) needs uploadpack.allowAnySHA1InWant.

const HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

/** The repository's address below the server's root: "<owner>/<repo>.git" (GitHub) or "<group>/<project>.git" (GitLab). */
export type GitService = "info-refs" | "upload-pack" | "receive-pack";

/** Which git smart HTTP endpoint `pathname` is for `repositoryPath` ("acme/gitops"), or null. */
export function gitServiceOf(pathname: string, repositoryPath: string): GitService | null {
  const base = `/${repositoryPath}.git/`;
  if (!pathname.toLowerCase().startsWith(base.toLowerCase())) return null;
  const rest = pathname.slice(base.length);
  if (rest === "info/refs") return "info-refs";
  if (rest === "git-upload-pack") return "upload-pack";
  if (rest === "git-receive-pack") return "receive-pack";
  return null;
}

/** The password of a Basic Authorization header (git sends the token there), or null. */
export function basicPassword(authorization: string | undefined): string | null {
  const [scheme, encoded = ""] = (authorization ?? "").split(" ");
  if (scheme?.toLowerCase() !== "basic") return null;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : decoded.slice(colon + 1);
}

export class ServedGitRepository {
  private readonly root: string;
  private readonly gitDir: string;
  private readonly written = new Set<string>();

  /**
   * `repositoryPath`: the URL path of the repository without ".git" (e.g. "acme/gitops").
   * `protocolV0`: answer as a server older than git protocol v2 (the client's Git-Protocol header is ignored).
   */
  constructor(
    private readonly repositoryPath: string,
    private readonly opts: { protocolV0?: boolean } = {},
  ) {
    this.root = mkdtempSync(path.join(os.tmpdir(), "ferry-forge-git-"));
    this.gitDir = path.join(this.root, `${repositoryPath}.git`);
    execFileSync("git", ["init", "--bare", "--quiet", this.gitDir], { env: backendEnv() });
    for (const [key, value] of [
      ["uploadpack.allowFilter", "true"],
      ["uploadpack.allowAnySHA1InWant", "true"],
      ["http.receivepack", "false"],
      ["gc.auto", "0"],
    ]) {
      execFileSync("git", [`--git-dir=${this.gitDir}`, "config", key as string, value as string], { env: backendEnv() });
    }
  }

  /** The bare repository served (a test may push to it or change its config). */
  get directory(): string {
    return this.gitDir;
  }

  /** Writes the objects not written yet and replaces every ref (and HEAD) with the model's. */
  publish(objects: Iterable<readonly [string, EncodedObject]>, refs: ReadonlyMap<string, string>, head: string): void {
    for (const [sha, object] of objects) {
      if (this.written.has(sha)) continue;
      const dir = path.join(this.gitDir, "objects", sha.slice(0, 2));
      mkdirSync(dir, { recursive: true });
      const raw = Buffer.concat([Buffer.from(`${object.type} ${object.body.length}\0`), object.body]);
      writeFileSync(path.join(dir, sha.slice(2)), zlib.deflateSync(raw));
      this.written.add(sha);
    }
    const lines = [...refs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([ref, sha]) => `${sha} ${ref}\n`);
    // Replaced whole, with a rename: a request being served reads the old refs or the new, never half.
    const packed = path.join(this.gitDir, "packed-refs");
    writeFileSync(`${packed}.new`, `# pack-refs with: peeled fully-peeled sorted \n${lines.join("")}`);
    renameSync(`${packed}.new`, packed);
    writeFileSync(path.join(this.gitDir, "HEAD"), `ref: refs/heads/${head}\n`);
  }

  /**
   * Answers one smart HTTP request through git-http-backend (CGI): the request body is piped to it,
   * its headers become the response's. Resolves with the status and the body bytes sent.
   */
  serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<{ status: number; bytes: number }> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const env: NodeJS.ProcessEnv = {
      ...backendEnv(),
      GIT_PROJECT_ROOT: this.root,
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: decodeURIComponent(url.pathname).replace(new RegExp(`^/${escape(this.repositoryPath)}\\.git`, "i"), `/${this.repositoryPath}.git`),
      REQUEST_METHOD: req.method ?? "GET",
      QUERY_STRING: url.search.replace(/^\?/, ""),
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
      ...(req.headers["content-type"] ? { CONTENT_TYPE: req.headers["content-type"] } : {}),
      ...(req.headers["content-length"] ? { CONTENT_LENGTH: req.headers["content-length"] } : {}),
      ...(typeof req.headers["content-encoding"] === "string" ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
      ...(typeof req.headers["git-protocol"] === "string" && !this.opts.protocolV0 ? { GIT_PROTOCOL: req.headers["git-protocol"] } : {}),
    };
    return new Promise((resolve, reject) => {
      const cgi = spawn(HTTP_BACKEND, [], { env, stdio: ["pipe", "pipe", "pipe"] });
      let head = Buffer.alloc(0);
      let status = 200;
      let bytes = 0;
      let started = false;
      cgi.stdout.on("data", (chunk: Buffer) => {
        if (started) {
          bytes += chunk.length;
          res.write(chunk);
          return;
        }
        head = Buffer.concat([head, chunk]);
        const end = headerEnd(head);
        if (end === null) return;
        const headers: Record<string, string> = {};
        for (const line of head.subarray(0, end.at).toString("latin1").split(/\r?\n/)) {
          const colon = line.indexOf(":");
          if (colon < 0) continue;
          const name = line.slice(0, colon).trim();
          const value = line.slice(colon + 1).trim();
          if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
          else headers[name] = value;
        }
        res.writeHead(status, headers);
        started = true;
        const rest = head.subarray(end.at + end.length);
        bytes += rest.length;
        if (rest.length) res.write(rest);
      });
      cgi.stderr.resume();
      cgi.on("error", reject);
      cgi.on("close", () => {
        if (!started) res.writeHead(500, { "content-type": "text/plain" });
        res.end();
        resolve({ status: started ? status : 500, bytes });
      });
      cgi.stdin.on("error", () => undefined);
      req.pipe(cgi.stdin);
    });
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function headerEnd(buffer: Buffer): { at: number; length: number } | null {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : null;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** git-http-backend and git init run without the machine's or the user's git configuration. */
function backendEnv(): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: os.tmpdir(), GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", LC_ALL: "C" };
  return env as NodeJS.ProcessEnv;
}
