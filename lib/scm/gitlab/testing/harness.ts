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
  const make = () =>
    new GitLabRepository({
      name: "gitops",
      url: server.projectUrl,
      defaultBranch: server.defaultBranch,
      token: server.token,
      // Waits shrunk a thousandfold (a Retry-After of 1 s waits 1 ms): the same policy, only faster.
      retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, msPerSecond: 1 },
    });
  return { server, repo: make(), freshClient: make };
}
