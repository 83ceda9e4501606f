import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gitEnv } from "../git/git-env";
import { ServedGitRepository } from "./served-git-repository";

// A plain git remote over smart HTTP (git-http-backend on a real bare repository, no forge API),
// with every request it answers logged: what reading a plain git URL costs, counted at the server.

export interface GitRequest {
  method: string;
  /** "info-refs" (one per git fetch: the advertisement), or "upload-pack" (ls-refs or a pack). */
  service: string;
  status: number;
  /** Response body bytes. */
  bytes: number;
}

export class CountingGitServer {
  private constructor(
    private readonly served: ServedGitRepository,
    private readonly server: http.Server,
    readonly url: string,
    readonly requests: GitRequest[],
  ) {}

  /**
   * `allowFilter: false`: a server that ignores partial clone filters; `protocolV0`: one that speaks
   * the old protocol and, as git does by default there, refuses requests for objects by id.
   */
  static async start(opts: { allowFilter?: boolean; protocolV0?: boolean } = {}): Promise<CountingGitServer> {
    const served = new ServedGitRepository("acme/gitops", { protocolV0: opts.protocolV0 });
    const config = (key: string, value: string) => execFileSync("git", [`--git-dir=${served.directory}`, "config", key, value], { env: gitEnv({ GIT_CONFIG_GLOBAL: "/dev/null" }) });
    if (opts.allowFilter === false) config("uploadpack.allowFilter", "false");
    if (opts.protocolV0) config("uploadpack.allowAnySHA1InWant", "false");
    const requests: GitRequest[] = [];
    const server = http.createServer((req, res) => {
      const url = req.url ?? "";
      const service = url.includes("/info/refs") ? "info-refs" : url.endsWith("/git-upload-pack") ? "upload-pack" : null;
      if (service === null) {
        res.writeHead(404).end();
        return;
      }
      void served.serve(req, res).then(({ status, bytes }) => requests.push({ method: req.method ?? "GET", service, status, bytes }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return new CountingGitServer(served, server, `http://127.0.0.1:${port}/acme/gitops.git`, requests);
  }

  /** The bare repository served: push to it to change what the remote holds. */
  get directory(): string {
    return this.served.directory;
  }

  /** Requests since `from` (an index into `requests`): all, git fetches (one advertisement each), packs sent, bytes. */
  since(from: number): { requests: number; fetches: number; bytes: number } {
    const log = this.requests.slice(from);
    return { requests: log.length, fetches: log.filter((r) => r.service === "info-refs").length, bytes: log.reduce((sum, r) => sum + r.bytes, 0) };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.served.close();
  }
}
