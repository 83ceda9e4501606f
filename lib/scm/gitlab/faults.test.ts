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
    expect(await gl.repo.resolveRef("main")).toBe(head);
    expect(branchReads()).toBe(2);
  });

  it("keeps retrying a rate limit that outlasts gitbeaker's own ten quick retries", async () => {
    gl.server.fail({ path: /branches\/main$/, times: 12, status: 429, headers: { "retry-after": "1" }, body: { message: "Retry later" } });
    expect(await gl.repo.resolveRef("main")).toBe(head);
    expect(branchReads()).toBe(13);
  });

  it("5xx, then success", async () => {
    gl.server.fail({ path: /repository\/tree$/, times: 1, status: 503 });
    gl.server.fail({ path: /repository\/blobs\//, times: 1, status: 500 });
    const entries = await gl.repo.readTree(head);
    expect(entries.map((e) => e.path)).toEqual(["a.yaml"]);
    expect((await gl.repo.readBlobs(entries.map((e) => e.blobSha))).size).toBe(1);
  });

  it("a persistent 5xx is ForgeUnavailableError naming the host, never the token", async () => {
    gl.server.fail({ path: /branches\/main$/, times: 100, status: 500 });
    const error = await gl.repo.resolveRef("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toContain(new URL(gl.server.url).host);
    expect((error as Error).message).not.toContain(gl.server.token);
    expect(branchReads()).toBe(4);
  });

  it("rejected credentials are ForgeUnavailableError without the token", async () => {
    const repo = new GitLabRepository({ name: "gitops", url: gl.server.projectUrl, token: "glpat-wrong-secret", retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const error = await repo.resolveRef("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/401/);
    expect((error as Error).message).not.toContain("glpat-wrong-secret");
    expect(branchReads()).toBe(1);
  });

  it("an unreachable GitLab is ForgeUnavailableError naming the host", async () => {
    const url = gl.server.projectUrl;
    await gl.server.close();
    const repo = new GitLabRepository({ name: "gitops", url, token: "glpat-secret-x", retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await repo.resolveRef("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toContain(new URL(url).host);
    expect((error as Error).message).not.toContain("glpat-secret-x");
    gl = await startGitLab(); // afterEach closes this one
  });

  it("a project the token cannot see is ForgeUnavailableError, not a missing ref", async () => {
    const repo = new GitLabRepository({ name: "gitops", url: `${gl.server.url}/acme/other`, token: gl.server.token, retry: { baseDelayMs: 1 } });
    await expect(repo.resolveRef("main")).rejects.toBeInstanceOf(ForgeUnavailableError);
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
