import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { credentialsFromEnv, GitHubCredentialsError, REFRESH_BEFORE_EXPIRY_MS } from "./auth";
import { connect, startAppServer } from "./testing/connect";
import type { GitHubTestServer } from "./testing/github-test-server";

let server: GitHubTestServer;
let credentials: { kind: "app"; appId: string; privateKey: string };

beforeAll(async () => {
  const started = await startAppServer();
  server = started.server;
  credentials = { kind: "app", appId: started.appId, privateKey: started.privateKey };
  server.git.commitFiles("main", { "apps/a/deployment.yaml": "kind: Deployment\n" });
}, 60_000);
afterAll(() => server.close());
afterEach(() => {
  expect(server.violations.splice(0)).toEqual([]);
});

const op = (id: string) => (r: { operationId: string | null }) => r.operationId === id;

describe("GitHub App authentication", () => {
  it("looks up the installation once, mints a token, and reuses it", async () => {
    const scm = connect(server, { credentials });
    const from = server.requests.length;
    await scm.resolveRef("main");
    await scm.readTree(await scm.resolveRef("main"));
    expect(server.count(op("apps/get-repo-installation"), from)).toBe(1);
    expect(server.count(op("apps/create-installation-access-token"), from)).toBe(1);
  });

  it("an installation token that expired mid-flow (401) is replaced and the call succeeds", async () => {
    const scm = connect(server, { credentials });
    await scm.resolveRef("main");
    server.expireTokens();
    const from = server.requests.length;
    expect((await scm.readTree(await scm.resolveRef("main"))).length).toBe(1);
    // git sends the token too (as a Basic password); the refused fetch is sent once more with a new one.
    expect(server.requests.slice(from).map((r) => `${r.operationId} ${r.status}`)).toEqual([
      "smart-http/info-refs 403",
      "apps/create-installation-access-token 201",
      "smart-http/info-refs 200",
      "smart-http/upload-pack 200",
    ]);
    expect(await scm.readBranchTip("main")).toBe(server.git.refs.get("refs/heads/main"));
  });

  it("a token within 5 minutes of its expiry is replaced before use, without a 401", async () => {
    let clock = Date.now();
    const scm = connect(server, { credentials, now: () => clock });
    await scm.resolveRef("main");
    clock += 60 * 60 * 1000 - REFRESH_BEFORE_EXPIRY_MS + 1000;
    const from = server.requests.length;
    await scm.resolveRef("main");
    expect(server.requests.slice(from).map((r) => r.operationId)).toEqual(["apps/create-installation-access-token", "smart-http/info-refs", "smart-http/upload-pack"]);
  });
});

describe("credentialsFromEnv", () => {
  it("prefers the app, falls back to a token, refuses half an app", () => {
    expect(credentialsFromEnv({ FERRY_GITHUB_APP_ID: "1", FERRY_GITHUB_APP_PRIVATE_KEY: "-----BEGIN KEY-----\\nabc", FERRY_GITHUB_TOKEN: "t" })).toEqual({
      kind: "app",
      appId: "1",
      privateKey: "-----BEGIN KEY-----\nabc",
    });
    expect(credentialsFromEnv({ FERRY_GITHUB_TOKEN: " t " })).toEqual({ kind: "token", token: "t" });
    expect(() => credentialsFromEnv({ FERRY_GITHUB_APP_ID: "1" })).toThrow(GitHubCredentialsError);
    expect(() => credentialsFromEnv({})).toThrow(/No GitHub credentials/);
  });
});
