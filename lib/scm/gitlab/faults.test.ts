import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ForgeUnavailableError } from "../errors";
import { GitLabRepository } from "./repository";
import { startGitLab, type GitLabHarness } from "./testing/harness";

// Transient failures are retried (quickly here: the harness sets millisecond delays), permanent
// ones become ScmErrors that name the GitLab host and never the token.

let gl: GitLabHarness;
let head: string;
const author = { name: "Dana Dev", email: "dana@example.com" };

beforeEach(async () => {
  gl = await startGitLab();
  head = gl.server.model.commitFiles("main", { "a.yaml": "a: 1\n" }).id;
});

afterEach(async () => {
  expect(gl.server.shapeErrors).toEqual([]);
  await gl.server.close();
});

const branchReads = () => gl.server.requests.filter((r) => r.path.endsWith("repository/branches/main")).length;

describe("GitLab failures", () => {
  it("429 with Retry-After, then success", async () => {
    gl.server.fail({ path: /branches\/main$/, times: 1, status: 429, headers: { "retry-after": "1" }, body: { message: "Retry later" } });
    expect(await gl.repo.readBranchTip("main")).toBe(head);
    expect(branchReads()).toBe(2);
  });

  it("a 429 with Retry-After is sent again only after the wait it asks for, once per attempt (was 10 quick resends per attempt)", async () => {
    // Real seconds here: a Retry-After of 1 s must make each attempt wait a whole second.
    const repo = new GitLabRepository({ name: "gitops", url: gl.server.projectUrl, token: gl.server.token, retry: { attempts: 3, baseDelayMs: 1 } });
    gl.server.fail({ path: /branches\/main$/, times: 100, status: 429, headers: { "retry-after": "1" }, body: { message: "Retry later" } });
    const started = Date.now();
    const error = await repo.readBranchTip("main").catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    // Three attempts, three requests at the server (gitbeaker's own handler sent 10 per attempt: 30).
    expect(branchReads()).toBe(3);
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/rate limiting requests \(429\).*asks to wait 1 s/);
  });

  it("a Retry-After beyond FERRY_FORGE_MAX_RETRY_AFTER_SECONDS is not waited for: one request, a message with the wait", async () => {
    const repo = new GitLabRepository({ name: "gitops", url: gl.server.projectUrl, token: gl.server.token, retry: { attempts: 4, baseDelayMs: 1, maxRetryAfterSeconds: 60 } });
    gl.server.fail({ path: /branches\/main$/, times: 100, status: 429, headers: { "retry-after": "3600" }, body: { message: "Retry later" } });
    const started = Date.now();
    const error = await repo.readBranchTip("main").catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((error as Error).message).toMatch(/asks to wait 3600 s/);
    expect(branchReads()).toBe(1);
  });

  it("a hung GitLab fails in one timeout, naming GitLab and the call, and is not asked again", async () => {
    const repo = new GitLabRepository({ name: "gitops", url: gl.server.projectUrl, token: gl.server.token, retry: { attempts: 4, baseDelayMs: 1 }, timeoutMs: 300 });
    gl.server.fail({ path: /branches\/main$/, times: 100, hang: "request" });
    const started = Date.now();
    const error = await repo.readBranchTip("main").catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/GitLab at 127\.0\.0\.1:\d+ did not answer in time to read branch "main": GitLab did not answer GET \/api\/v4\/projects\/acme\/platform\/gitops\/repository\/branches\/main within 0\.3 s/);
    expect(branchReads()).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(3000);
  });

  it("the timeout comes from FERRY_FORGE_TIMEOUT_SECONDS", async () => {
    const saved = process.env.FERRY_FORGE_TIMEOUT_SECONDS;
    process.env.FERRY_FORGE_TIMEOUT_SECONDS = "0.2";
    try {
      const repo = new GitLabRepository({ name: "gitops", url: gl.server.projectUrl, token: gl.server.token });
      gl.server.fail({ path: /branches\/main$/, times: 1, hang: "request" });
      await expect(repo.readBranchTip("main")).rejects.toThrow(/within 0\.2 s/);
    } finally {
      if (saved === undefined) delete process.env.FERRY_FORGE_TIMEOUT_SECONDS;
      else process.env.FERRY_FORGE_TIMEOUT_SECONDS = saved;
    }
  });

  it("5xx, then success (API and git fetch)", async () => {
    gl.server.fail({ path: /repository\/branches\/main$/, times: 1, status: 503 });
    expect(await gl.repo.readBranchTip("main")).toBe(head);
    gl.server.fail({ path: /gitops\.git\/git-upload-pack$/, times: 1, status: 502 });
    const entries = await gl.repo.readTree(await gl.repo.resolveRef("main"));
    expect(entries.map((e) => e.path)).toEqual(["a.yaml"]);
    gl.server.fail({ path: /gitops\.git\/info\/refs$/, times: 1, status: 503 });
    expect((await gl.repo.readBlobs(entries.map((e) => e.blobSha))).size).toBe(1);
  });

  it("a git fetch without an answer is stopped after the request timeout, naming GitLab", async () => {
    const repo = gl.freshClient();
    gl.server.fail({ path: /gitops\.git\/git-upload-pack$/, times: 1, hang: "request" });
    const fast = new GitLabRepository({ name: "gitops", url: gl.server.projectUrl, token: gl.server.token, timeoutMs: 3000, cacheDir: mkdtempSync(path.join(os.tmpdir(), "ferry-gitlab-clone-")) });
    const started = Date.now();
    const error = await fast.resolveRef("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/GitLab did not answer git fetch of refs\/heads\/main within 3 s \(FERRY_FORGE_TIMEOUT_SECONDS\)/);
    expect(Date.now() - started).toBeLessThan(15_000);
    // (On a loaded machine git may be stopped before it reached the hanging request: then the fault is still set.)
    if (gl.server.requests.some((r) => r.git && r.path.endsWith("git-upload-pack"))) expect(await repo.resolveRef("main")).toBe(head);
  }, 30_000);

  it("a persistent 5xx is ForgeUnavailableError naming the host, never the token", async () => {
    gl.server.fail({ path: /branches\/main$/, times: 100, status: 500 });
    const error = await gl.repo.readBranchTip("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toContain(new URL(gl.server.url).host);
    expect((error as Error).message).not.toContain(gl.server.token);
    expect(branchReads()).toBe(4);
  });

  it("rejected credentials over git are ForgeUnavailableError without the token", async () => {
    const repo = new GitLabRepository({ name: "gitops", url: gl.server.projectUrl, token: "glpat-wrong-secret", cacheDir: mkdtempSync(path.join(os.tmpdir(), "ferry-gitlab-clone-")) });
    const error = await repo.resolveRef("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/credentials were rejected \(HTTP 401\)/);
    expect(JSON.stringify(error) + String(error)).not.toContain("glpat-wrong-secret");
  });

  it("rejected credentials are ForgeUnavailableError without the token", async () => {
    const repo = new GitLabRepository({ name: "gitops", url: gl.server.projectUrl, token: "glpat-wrong-secret", retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const error = await repo.readBranchTip("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/401/);
    expect((error as Error).message).not.toContain("glpat-wrong-secret");
    expect(branchReads()).toBe(1);
  });

  it("an unreachable GitLab is ForgeUnavailableError naming the host", async () => {
    const url = gl.server.projectUrl;
    await gl.server.close();
    const repo = new GitLabRepository({ name: "gitops", url, token: "glpat-secret-x", retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await repo.readBranchTip("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toContain(new URL(url).host);
    expect((error as Error).message).not.toContain("glpat-secret-x");
    gl = await startGitLab(); // afterEach closes this one
  });

  it("a project the token cannot see is ForgeUnavailableError, not a missing ref", async () => {
    const repo = new GitLabRepository({ name: "gitops", url: `${gl.server.url}/acme/other`, token: gl.server.token, retry: { baseDelayMs: 1 } });
    await expect(repo.readBranchTip("main")).rejects.toBeInstanceOf(ForgeUnavailableError);
  });

  it("resends a write GitLab refused at the door (503), but never one it may have done (500)", async () => {
    gl.server.fail({ method: "POST", path: /repository\/commits$/, times: 1, status: 503 });
    await gl.repo.createBranchWithCommit({ baseSha: head, branch: "p", message: "m", author, changes: [{ path: "a.yaml", content: "2\n" }] });
    expect(gl.server.requests.filter((r) => r.method === "POST").length).toBe(2);

    gl.server.resetRequests();
    gl.server.fail({ method: "POST", path: /repository\/commits$/, times: 1, status: 500 });
    const error = await gl.repo.createBranchWithCommit({ baseSha: head, branch: "q", message: "m", author, changes: [{ path: "a.yaml", content: "2\n" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect(gl.server.requests.filter((r) => r.method === "POST").length).toBe(1);
  });
});
