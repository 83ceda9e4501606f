import { App, Octokit } from "octokit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { StaleBaseError } from "../errors";
import { connect, startAppServer, startTokenServer, TEST_TOKEN } from "./testing/connect";
import type { GitHubTestServer } from "./testing/github-test-server";

// Verified commits: with a GitHub App installation Ferry writes through GraphQL createCommitOnBranch,
// which GitHub signs itself; the test server carries the mutation out on its repository (validated
// against GitHub's published schema) and reports the commit as verified over REST, as GitHub does.
// With a personal token the REST git-objects path stays, and its commits are unsigned.

const author = { name: "Alice Example", email: "alice@acme.example" };
const FILE = "apps/checkout/production/deployment.yaml";

let app: { server: GitHubTestServer; appId: string; privateKey: string };
let credentials: { kind: "app"; appId: string; privateKey: string };

beforeAll(async () => {
  app = await startAppServer();
  credentials = { kind: "app", appId: app.appId, privateKey: app.privateKey };
  app.server.git.commitFiles("main", { [FILE]: "image: checkout:2.3.1\n", "apps/checkout/run.sh": "#!/bin/sh\n", "apps/old.yaml": "old\n" });
}, 60_000);
afterAll(() => app.server.close());
afterEach(() => {
  expect(app.server.violations.splice(0)).toEqual([]);
});

/** A reviewer's view over REST, authenticated as the installation. */
async function installationOctokit(): Promise<Octokit> {
  const gh = new App({ appId: app.appId, privateKey: app.privateKey, Octokit: Octokit.defaults({ baseUrl: app.server.apiUrl }) });
  return gh.getInstallationOctokit(77);
}

describe("GitHub App: commits through createCommitOnBranch", () => {
  it("creates the branch at the base and commits on it through GitHub, which signs it: REST reports it verified", async () => {
    const scm = connect(app.server, { credentials });
    const base = await scm.resolveRef("main");
    const from = app.server.requests.length;
    const { commitSha } = await scm.createBranchWithCommit({
      baseSha: base,
      branch: "ferry/promote/checkout/production",
      message: "Promote checkout 2.4.0 to production\n\nFrom staging.",
      author,
      changes: [{ path: FILE, content: "image: checkout:2.4.0\n" }, { path: "apps/old.yaml", delete: true }, { path: "apps/new.yaml", content: "new\n" }],
      replaces: null,
    });
    expect(app.server.requests.slice(from).filter((r) => !r.git).map((r) => r.operationId)).toEqual(["git/create-ref", "graphql"]);
    expect(app.server.git.refs.get("refs/heads/ferry/promote/checkout/production")).toBe(commitSha);
    const commit = app.server.git.commitObject(commitSha)!;
    expect(commit.parents).toEqual([base]);
    expect(commit.message).toBe("Promote checkout 2.4.0 to production\n\nFrom staging.\n\nCo-authored-by: Alice Example <alice@acme.example>");
    const files = app.server.git.files(commit.tree);
    expect([...files.keys()].sort()).toEqual(["apps/checkout/production/deployment.yaml", "apps/checkout/run.sh", "apps/new.yaml"]);
    const blob = app.server.git.get(files.get(FILE)!.sha);
    expect(blob?.type === "blob" ? blob.data.toString("utf8") : null).toBe("image: checkout:2.4.0\n");

    const rest = await installationOctokit();
    const { data } = await rest.rest.git.getCommit({ owner: app.server.owner, repo: app.server.repo, commit_sha: commitSha });
    expect(data.verification).toMatchObject({ verified: true, reason: "valid" });
    const listed = await rest.rest.repos.listCommits({ owner: app.server.owner, repo: app.server.repo, sha: commitSha, per_page: 1 });
    expect(listed.data[0]?.commit.verification).toMatchObject({ verified: true });
  });

  it("rebuilds an existing branch on a newer base: the new commit's only parent is that base, and it is verified", async () => {
    const scm = connect(app.server, { credentials });
    const branch = "ferry/promote/checkout/production";
    const tip = app.server.git.refs.get(`refs/heads/${branch}`)!;
    app.server.git.commitFiles("main", { "README.md": "moved on\n" }, "Someone else's commit");
    const base = await scm.resolveRef("main");
    const { commitSha } = await scm.createBranchWithCommit({ baseSha: base, branch, message: "Promote checkout 2.4.1", author, changes: [{ path: FILE, content: "image: checkout:2.4.1\n" }], force: true, replaces: tip });
    expect(app.server.git.commitObject(commitSha)?.parents).toEqual([base]);
    expect(app.server.verified.has(commitSha)).toBe(true);
  });

  it("a push to the branch between placing it and the commit is not built upon: StaleBaseError, the other commit stays", async () => {
    let intruder = "";
    // Races the mutation: just before it reaches GitHub, someone else commits on the branch.
    const racing: typeof fetch = async (url, init) => {
      if (String(url).endsWith("/api/graphql") && String(init?.body).includes("createCommitOnBranch")) intruder = app.server.git.commitFiles("ferry/race", { "x.yaml": "theirs\n" }, "Their commit");
      return fetch(url, init);
    };
    const scm = connect(app.server, { credentials, tuning: { fetch: racing } });
    const base = await scm.resolveRef("main");
    const write = scm.createBranchWithCommit({ baseSha: base, branch: "ferry/race", message: "Ours", author, changes: [{ path: FILE, content: "ours\n" }], replaces: null });
    await expect(write).rejects.toBeInstanceOf(StaleBaseError);
    expect(app.server.git.refs.get("refs/heads/ferry/race")).toBe(intruder);
  });
});

describe("personal token: commits are pushed as git objects (unsigned)", () => {
  let server: GitHubTestServer;
  beforeAll(async () => {
    server = await startTokenServer();
    server.git.commitFiles("main", { [FILE]: "image: checkout:2.3.1\n" });
  });
  afterAll(() => server.close());

  it("writes through git/trees, git/commits and git/refs, and the commit is not verified", async () => {
    const scm = connect(server);
    const from = server.requests.length;
    const { commitSha } = await scm.createBranchWithCommit({ baseSha: await scm.resolveRef("main"), branch: "ferry/x", message: "Promote", author, changes: [{ path: FILE, content: "image: checkout:2.4.0\n" }], replaces: null });
    expect(server.requests.slice(from).filter((r) => !r.git).map((r) => r.operationId)).toEqual(["git/create-tree", "git/create-commit", "git/create-ref"]);
    const rest = new Octokit({ auth: TEST_TOKEN, baseUrl: server.apiUrl });
    const { data } = await rest.rest.git.getCommit({ owner: server.owner, repo: server.repo, commit_sha: commitSha });
    expect(data.verification).toMatchObject({ verified: false, reason: "unsigned" });
    expect(server.violations).toEqual([]);
  });
});
