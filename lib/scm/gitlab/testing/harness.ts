import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GitLabRepository } from "../repository";
import { GitLabTestServer, type GitLabTestServerOptions } from "./gitlab-test-server";

export interface GitLabHarness {
  server: GitLabTestServer;
  repo: GitLabRepository;
  /** A second client for the same project (a fresh process: no caches). */
  freshClient(): GitLabRepository;
}

/** A test server plus the real provider (real gitbeaker) pointed at it, with millisecond retries. */
export async function startGitLab(opts: GitLabTestServerOptions = {}): Promise<GitLabHarness> {
  const server = await GitLabTestServer.start(opts);
  // Every client gets a clone of its own, as a fresh process on another machine would.
  const make = () =>
    new GitLabRepository({
      name: "gitops",
      url: server.projectUrl,
      defaultBranch: server.defaultBranch,
      token: server.token,
      cacheDir: mkdtempSync(path.join(os.tmpdir(), "ferry-gitlab-clone-")),
      // Waits shrunk a thousandfold (a Retry-After of 1 s waits 1 ms): the same policy, only faster.
      retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, msPerSecond: 1 },
    });
  return { server, repo: make(), freshClient: make };
}
