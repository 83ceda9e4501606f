import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { loadFixture } from "@/lib/gitops/testing/load-fixture";
import { readRepository } from "@/lib/gitops/read";
import { ConflictError, ForgeUnavailableError, RefNotFoundError, StaleBaseError } from "../errors";
import { connect, TEST_TOKEN, startTokenServer } from "./testing/connect";
import type { GitHubTestServer } from "./testing/github-test-server";

// Contract tests: the real octokit client (writes, pull requests) and real git (reads, from a partial
// clone) against the local GitHub test server, whose API requests and responses are all validated
// against GitHub's OpenAPI description (violations fail the test) and which serves git smart HTTP.

let server: GitHubTestServer;
const FIXTURE = "conventions-mix";

beforeAll(async () => {
  server = await startTokenServer();
  const files = Object.fromEntries(loadFixture(FIXTURE));
  server.git.commitFiles("main", files, "Initial import");
}, 60_000);
afterAll(() => server.close());
afterEach(() => {
  expect(server.violations.splice(0)).toEqual([]);
});

const head = () => server.git.refs.get("refs/heads/main") ?? "";
const api = (from: number) => server.count((r) => !r.git, from);
const git = (from: number) => server.count((r) => r.git === true, from);

describe("reading", () => {
  it("syncs over git: resolveRef (one fetch) → readTree (local) → readBlobs (one fetch) → the same model as the files on disk", async () => {
    const scm = connect(server);
    const from = server.requests.length;
    const sha = await scm.resolveRef("main");
    expect(sha).toBe(head());
    const entries = await scm.readTree(sha);
    // A fetch is the capability advertisement, the ref listing and the pack: three requests.
    expect(git(from)).toBe(3);
    const contents = await scm.readBlobs(entries.map((e) => e.blobSha));
    const tree = new Map(entries.map((e) => [e.path, contents.get(e.blobSha) ?? ""]));
    const expected = loadFixture(FIXTURE);
    expect(new Map([...tree].sort())).toEqual(new Map([...expected].sort()));
    const model = readRepository(tree);
    expect(model.deployments.length).toBeGreaterThan(0);
    expect(model).toEqual(readRepository(expected));
    // The blobs came in one more fetch (advertisement + pack), and nothing went through the REST API.
    expect(git(from)).toBe(5);
    expect(api(from)).toBe(0);
    // Blobs already fetched are read locally.
    const again = server.requests.length;
    await scm.readBlobs(entries.map((e) => e.blobSha));
    expect(server.requests.length).toBe(again);
  });

  it("an idle poll of an unchanged branch is one fetch that brings nothing: two small requests", async () => {
    const scm = connect(server);
    await scm.resolveRef("main");
    const from = server.requests.length;
    expect(await scm.resolveRef("main")).toBe(head());
    expect(server.requests.slice(from)).toMatchObject([{ operationId: "smart-http/info-refs", status: 200 }, { operationId: "smart-http/upload-pack", status: 200 }]);
    expect(server.requests.slice(from).reduce((sum, r) => sum + (r.bytes ?? 0), 0)).toBeLessThan(1024);
  });

  it("a changed branch is seen on the next poll", async () => {
    const scm = connect(server);
    await scm.resolveRef("main");
    const moved = server.git.commitFiles("main", { "README.md": "moved\n" }, "Move main");
    expect(await scm.resolveRef("main")).toBe(moved);
  });

  it("a clone that was damaged or deleted on disk is made again", async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), "ferry-github-clone-"));
    const scm = connect(server, { cacheDir });
    const whole = await scm.readTree(await scm.resolveRef("main"));
    const [clone = ""] = readdirSync(path.join(cacheDir, "github")).filter((d) => d.endsWith(".git"));
    rmSync(path.join(cacheDir, "github", clone, "objects"), { recursive: true, force: true });
    expect(await scm.readTree(await scm.resolveRef("main"))).toEqual(whole);
    rmSync(path.join(cacheDir, "github"), { recursive: true, force: true });
    expect(await scm.readTree(await scm.resolveRef("main"))).toEqual(whole);
  });

  it("leaves binary blobs out and keeps a BOM and CRLF byte for byte", async () => {
    server.git.commitFiles("main", { "bin/logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), "win.yaml": "\uFEFFa: 1\r\n" }, "Add files");
    const scm = connect(server);
    const entries = await scm.readTree(await scm.resolveRef("main"));
    const bySha = await scm.readBlobs(entries.filter((e) => e.path === "bin/logo.png" || e.path === "win.yaml").map((e) => e.blobSha));
    expect([...bySha.values()]).toEqual(["\uFEFFa: 1\r\n"]);
  });

  it("unknown branch → RefNotFoundError; unknown blob → RefNotFoundError", async () => {
    const scm = connect(server);
    await expect(scm.resolveRef("nope")).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(scm.readBlobs(["0".repeat(40)])).rejects.toBeInstanceOf(RefNotFoundError);
  });

  it("log and lastCommitByPath; a second lookup of the same commit costs no request", async () => {
    const before = server.git.commitFiles("main", { "apps/a/x.yaml": "x: 1\n" }, "Touch a");
    const last = server.git.commitFiles("main", { "apps/b/y.yaml": "y: 1\n" }, "Touch b");
    const scm = connect(server);
    const commits = await scm.log({ ref: last, paths: ["apps/a", "apps/b"], limit: 2 });
    expect(commits.map((c) => c.message)).toEqual(["Touch b", "Touch a"]);
    const found = await scm.lastCommitByPath(last, ["apps/a", "apps/b/", "never/there"]);
    expect(found.get("apps/a")?.sha).toBe(before);
    expect(found.get("apps/b/")?.sha).toBe(last);
    expect(found.has("never/there")).toBe(false);
    const from = server.requests.length;
    await scm.lastCommitByPath(last, ["apps/a", "apps/b/", "never/there"]);
    // The cells' history: several commits per path from one walk of the local clone, no request either.
    const history = await scm.commitsByPath(last, ["apps/a", "apps/b"], 5);
    expect(history.get("apps/a")?.map((c) => c.sha)).toEqual([before]);
    expect(history.get("apps/b")?.map((c) => c.message)).toEqual(["Touch b"]);
    expect(await scm.log({ ref: last, paths: ["apps/a"], limit: 5, firstParent: true })).toHaveLength(1);
    expect(server.requests.length).toBe(from);
  });
});

describe("writing", () => {
  it("a promotion after a sync (branch with commit + pull request) makes at most 5 GitHub calls", async () => {
    const scm = connect(server);
    const base = await scm.resolveRef("main");
    const from = server.requests.length;
    const { commitSha } = await scm.createBranchWithCommit({
      baseSha: base,
      branch: "ferry/promote/checkout/production",
      message: "Promote checkout to production",
      author: { name: "Dev", email: "dev@example.com" },
      changes: [{ path: "apps/a/x.yaml", content: "x: 2\n" }, { path: "apps/b/y.yaml", delete: true }, { path: "gone/never.yaml", delete: true }],
      force: true,
    });
    const pr = await scm.openChangeRequest({ headBranch: "ferry/promote/checkout/production", baseBranch: "main", title: "Promote checkout", body: "Body" });
    const calls = server.requests.slice(from);
    console.log(`promotion: ${calls.length} calls: ${calls.map((c) => c.operationId).join(", ")}`);
    expect(calls.length).toBeLessThanOrEqual(5);
    expect(pr).toMatchObject({ provider: "github", state: "open", headBranch: "ferry/promote/checkout/production", baseBranch: "main", headSha: commitSha, title: "Promote checkout" });
    expect(pr.url).toBe(`${server.repositoryUrl}/pull/${pr.number}`);
    const commit = server.git.commitObject(commitSha);
    expect(commit?.parents).toEqual([base]);
    const files = server.git.files(commit?.tree ?? "");
    expect(files.has("apps/b/y.yaml")).toBe(false);
    const blob = server.git.get(files.get("apps/a/x.yaml")?.sha ?? "");
    expect(blob?.type === "blob" && blob.data.toString()).toBe("x: 2\n");
  });

  it("an existing branch: ConflictError without force, replaced with force", async () => {
    const scm = connect(server);
    const input = { baseSha: head(), branch: "ferry/exists", message: "m", author: { name: "D", email: "d@example.com" }, changes: [{ path: "f.yaml", content: "1\n" }] };
    await scm.createBranchWithCommit(input);
    await expect(scm.createBranchWithCommit({ ...input, changes: [{ path: "f.yaml", content: "2\n" }] })).rejects.toBeInstanceOf(ConflictError);
    const { commitSha } = await scm.createBranchWithCommit({ ...input, changes: [{ path: "f.yaml", content: "3\n" }], force: true });
    expect(server.git.refs.get("refs/heads/ferry/exists")).toBe(commitSha);
  });

  it("'A pull request already exists' adopts the open pull request instead of failing or duplicating", async () => {
    const scm = connect(server);
    await scm.createBranchWithCommit({ baseSha: head(), branch: "ferry/adopt", message: "m", author: { name: "D", email: "d@example.com" }, changes: [{ path: "g.yaml", content: "1\n" }] });
    const earlier = server.openPull("ferry/adopt", "main", "Old title");
    const pr = await scm.openChangeRequest({ headBranch: "ferry/adopt", baseBranch: "main", title: "New title", body: "b", labels: ["promotion"] });
    expect(pr.number).toBe(earlier.number);
    expect(pr.title).toBe("New title");
    expect(pr.labels).toEqual(["promotion"]);
    expect([...server.pulls.values()].filter((p) => p.head === "ferry/adopt")).toHaveLength(1);
  });

  it("getChangeRequest fills review and checks state; merge refuses a moved head, then merges", async () => {
    const scm = connect(server);
    const { commitSha } = await scm.createBranchWithCommit({ baseSha: head(), branch: "ferry/merge-me", message: "m", author: { name: "D", email: "d@example.com" }, changes: [{ path: "h.yaml", content: "1\n" }] });
    const pr = await scm.openChangeRequest({ headBranch: "ferry/merge-me", baseBranch: "main", title: "Merge me", body: "" });
    server.reviews.set(pr.number, [
      { login: "alice", state: "CHANGES_REQUESTED", at: "2026-01-01T00:00:00Z" },
      { login: "alice", state: "APPROVED", at: "2026-01-02T00:00:00Z" },
      { login: "bob", state: "COMMENTED", at: "2026-01-03T00:00:00Z" },
    ]);
    server.checkRuns.set(commitSha, [{ name: "ci", status: "in_progress", conclusion: null }]);
    expect(await scm.getChangeRequest(pr.number)).toMatchObject({ state: "open", headSha: commitSha, mergeable: true, reviewState: "approved", checksState: "pending" });
    server.checkRuns.set(commitSha, [{ name: "ci", status: "completed", conclusion: "success" }]);
    expect((await scm.getChangeRequest(pr.number)).checksState).toBe("success");

    await expect(scm.mergeChangeRequest(pr.number, { expectedHeadSha: "f".repeat(40) })).rejects.toBeInstanceOf(StaleBaseError);
    const merged = await scm.mergeChangeRequest(pr.number, { expectedHeadSha: commitSha });
    expect(merged.state).toBe("merged");
    expect(merged.mergeCommitSha).toBe(head());
    await expect(scm.closeChangeRequest(pr.number)).rejects.toBeInstanceOf(ConflictError);
  });

  it("closes a pull request and deletes its branch; find with state any still finds it", async () => {
    const scm = connect(server);
    await scm.createBranchWithCommit({ baseSha: head(), branch: "ferry/close-me", message: "m", author: { name: "D", email: "d@example.com" }, changes: [{ path: "i.yaml", content: "1\n" }] });
    const pr = await scm.openChangeRequest({ headBranch: "ferry/close-me", baseBranch: "main", title: "Close me", body: "", draft: true });
    expect(pr.state).toBe("draft");
    expect((await scm.findChangeRequest({ headBranch: "ferry/close-me" }))?.number).toBe(pr.number);
    const closed = await scm.closeChangeRequest(pr.number, { deleteBranch: true });
    expect(closed.state).toBe("closed");
    expect(server.git.refs.has("refs/heads/ferry/close-me")).toBe(false);
    expect(await scm.findChangeRequest({ headBranch: "ferry/close-me" })).toBeNull();
    expect((await scm.findChangeRequest({ headBranch: "ferry/close-me", state: "any" }))?.state).toBe("closed");
    await expect(scm.getChangeRequest(9999)).rejects.toBeInstanceOf(RefNotFoundError);
    await scm.deleteBranch("ferry/close-me"); // already gone: not an error
  });

  it("commitUrl points at the web UI", () => {
    expect(connect(server).commitUrl("abc")).toBe(`${server.repositoryUrl}/commit/abc`);
  });
});

describe("failures", () => {
  const secondary = { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" };

  it.each([403, 429])("a secondary rate limit (%i with retry-after) is waited out, then succeeds", async (status) => {
    const scm = connect(server);
    server.failNext({ operationId: "git/get-ref", status, headers: { "retry-after": "7" }, body: secondary });
    const from = server.requests.length;
    expect(await scm.readBranchTip("main")).toBe(head());
    expect(server.requests.slice(from).map((r) => r.status)).toEqual([status, 200]);
  });

  it("a primary rate limit (x-ratelimit-remaining: 0) is waited out, then succeeds", async () => {
    const scm = connect(server);
    const reset = String(Math.floor(Date.now() / 1000) + 2);
    server.failNext({ operationId: "pulls/list", status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }, body: { message: "API rate limit exceeded", documentation_url: "https://docs.github.com/rest" } });
    expect(await scm.findChangeRequest({ headBranch: "ferry/none" })).toBeNull();
  });

  it("a rate limit that persists fails with a clear message after two retries", async () => {
    const scm = connect(server);
    server.failNext({ operationId: "git/get-ref", status: 429, headers: { "retry-after": "1" }, body: secondary, times: 3 });
    const error = await scm.readBranchTip("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/rate limit/i);
    expect((error as Error).message).toContain("127.0.0.1");
  });

  it("5xx answers are retried, then succeed", async () => {
    const scm = connect(server);
    server.failNext({ operationId: "pulls/list", status: 502, times: 2 });
    const from = server.requests.length;
    expect(await scm.findChangeRequest({ headBranch: "ferry/none" })).toBeNull();
    expect(server.requests.slice(from).map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it("a forge that stays down is ForgeUnavailableError naming the host, never the token", async () => {
    const scm = connect(server);
    server.failNext({ operationId: "git/get-ref", status: 503, times: 4 });
    const error = await scm.readBranchTip("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toContain(new URL(server.apiUrl).host);
    expect(JSON.stringify(error) + String(error)).not.toContain(TEST_TOKEN);
  });

  it.each(["readBranchTip", "resolveRef"] as const)("rejected credentials (%s: API, git) are ForgeUnavailableError without the token", async (read) => {
    const scm = connect(server, { credentials: { kind: "token", token: "ghp_wrong_token_value" } });
    const error = await scm[read]("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/credentials were rejected/);
    expect(JSON.stringify(error) + String(error)).not.toContain("ghp_wrong_token_value");
  });

  it("a git fetch without an answer is stopped after the request timeout, naming GitHub", async () => {
    const scm = connect(server, { tuning: { timeoutMs: 3000 } });
    server.failNext({ operationId: "smart-http/info-refs", hang: "request" });
    const started = Date.now();
    const error = await scm.resolveRef("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/GitHub did not answer git fetch of refs\/heads\/main within 3 s \(FERRY_FORGE_TIMEOUT_SECONDS\)/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await connect(server).resolveRef("main")).toBe(head());
  });
});
