import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GitHubRepository } from "../repository";
import type { GitHubClientTuning } from "../client";
import { GitHubTestServer, type ServerAuth } from "./github-test-server";
import { TEST_TOKEN } from "./token";

// Test wiring: a GitHubTestServer plus a GitHubRepository pointed at it, with waits shrunk to
// milliseconds (the same retry logic runs, only faster) and write pacing off.

export { TEST_TOKEN };

export const FAST: GitHubClientTuning = { msPerSecond: 1, paceWrites: false, retries: 3, rateLimitRetries: 2 };

export async function startTokenServer(): Promise<GitHubTestServer> {
  return GitHubTestServer.start({ auth: { kind: "token", token: TEST_TOKEN } });
}

export async function startAppServer(): Promise<{ server: GitHubTestServer; appId: string; privateKey: string }> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const appId = "4242";
  const auth: ServerAuth = { kind: "app", appId, publicKey, installationId: 77 };
  const server = await GitHubTestServer.start({ auth });
  return { server, appId, privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

export function connect(
  server: GitHubTestServer,
  opts: { credentials?: { kind: "token"; token: string } | { kind: "app"; appId: string; privateKey: string }; now?: () => number; tuning?: GitHubClientTuning; cacheDir?: string } = {},
): GitHubRepository {
  return new GitHubRepository({
    name: "gitops",
    url: server.repositoryUrl,
    defaultBranch: "main",
    credentials: opts.credentials ?? { kind: "token", token: TEST_TOKEN },
    tuning: { ...FAST, ...opts.tuning },
    now: opts.now,
    // A clone of its own per client, as a fresh process would have.
    cacheDir: opts.cacheDir ?? mkdtempSync(path.join(os.tmpdir(), "ferry-github-clone-")),
  });
}
