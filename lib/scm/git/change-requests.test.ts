import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryChangeRequestStore } from "../change-request-store";
import { ConflictError, InvalidInputError, RefNotFoundError, StaleBaseError } from "../errors";
import { gitEnv } from "./git-env";
import { GitRepository } from "./git-repository";
import { TestRepo } from "./test-repo";

const alice = { name: "Alice Example", email: "alice@example.com" };
const bob = { name: "Bob Reviewer", email: "bob@example.com" };

interface Fixture {
  src: TestRepo;
  repo: GitRepository;
  store: MemoryChangeRequestStore;
  base: string;
}

/** A repository like the demo ones: non-bare, main checked out, pushes update the working tree. */
function demoRepository(): Fixture {
  const src = TestRepo.create();
  src.git("config", "receive.denyCurrentBranch", "updateInstead");
  const base = src.commit({
    message: "Initial",
    files: { "apps/cart/prod/values.yaml": "tag: 1.0.0\nreplicas: 3\n", "apps/cart/dev/values.yaml": "tag: 1.1.0\n", "apps/ledger/prod/values.yaml": "tag: 2.0.0\n" },
  });
  const store = new MemoryChangeRequestStore();
  return { src, repo: new GitRepository({ name: "demo", url: src.dir, changeRequests: store }), store, base };
}

async function propose(f: Fixture, branch: string, changes: Record<string, string>, baseSha = f.base) {
  await f.repo.createBranchWithCommit({ baseSha, branch, message: `Change ${branch}`, author: alice, changes: Object.entries(changes).map(([p, content]) => ({ path: p, content })) });
  return f.repo.openChangeRequest({ headBranch: branch, baseBranch: "main", title: `Promote ${branch}`, body: "Body", author: "u-alice" });
}

describe("change requests on a local non-bare repository", () => {
  let f: Fixture;
  beforeEach(() => (f = demoRepository()));
  afterEach(() => f.src.remove());

  it("opens a numbered change request for a branch, finds it, refuses a second open one for the same branch", async () => {
    const cr = await propose(f, "ferry/promote/cart/prod", { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 3\n" });
    expect(cr).toMatchObject({ provider: "git", repository: "demo", number: 1, url: null, state: "open", headBranch: "ferry/promote/cart/prod", baseBranch: "main", mergeable: true, author: "u-alice", mergeCommitSha: null });
    expect(cr.headSha).toBe(f.src.git("rev-parse", "ferry/promote/cart/prod").trim());
    await expect(f.repo.openChangeRequest({ headBranch: "ferry/promote/cart/prod", baseBranch: "main", title: "again", body: "" })).rejects.toBeInstanceOf(ConflictError);
    expect((await f.repo.findChangeRequest({ headBranch: "ferry/promote/cart/prod" }))?.number).toBe(1);
    expect(await f.repo.findChangeRequest({ headBranch: "ferry/promote/cart/prod", baseBranch: "other" })).toBeNull();
    expect(await f.repo.findChangeRequest({ headBranch: "nope" })).toBeNull();
    const second = await propose(f, "ferry/promote/ledger/prod", { "apps/ledger/prod/values.yaml": "tag: 2.1.0\n" });
    expect(second.number).toBe(2);
    await expect(f.repo.openChangeRequest({ headBranch: "missing", baseBranch: "main", title: "t", body: "" })).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(f.repo.getChangeRequest(99)).rejects.toThrow(/no change request #99/);
  });

  it("updates title, body and labels; getChangeRequest follows the branch when it is force-updated", async () => {
    const cr = await propose(f, "p", { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 3\n" });
    const updated = await f.repo.updateChangeRequest(cr.number, { title: "New title", labels: ["promotion"] });
    expect(updated).toMatchObject({ title: "New title", body: "Body", labels: ["promotion"] });
    const { commitSha } = await f.repo.createBranchWithCommit({ baseSha: f.base, branch: "p", message: "v2", author: alice, changes: [{ path: "apps/cart/prod/values.yaml", content: "tag: 1.2.0\nreplicas: 3\n" }], force: true });
    expect((await f.repo.getChangeRequest(cr.number)).headSha).toBe(commitSha);
  });

  it("fast-forwards when the base did not move, and the checked-out working tree follows", async () => {
    const cr = await propose(f, "p", { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 3\n" });
    const merged = await f.repo.mergeChangeRequest(cr.number, { expectedHeadSha: cr.headSha });
    expect(merged).toMatchObject({ state: "merged", mergeCommitSha: cr.headSha, headSha: cr.headSha, mergeable: null });
    expect(f.src.git("rev-parse", "main").trim()).toBe(cr.headSha);
    expect(fs.readFileSync(path.join(f.src.dir, "apps/cart/prod/values.yaml"), "utf8")).toBe("tag: 1.1.0\nreplicas: 3\n");
    expect(f.src.git("status", "--porcelain")).toBe("");
    await expect(f.repo.mergeChangeRequest(cr.number)).rejects.toThrow(/already merged/);
    await expect(f.repo.closeChangeRequest(cr.number)).rejects.toBeInstanceOf(ConflictError);
  });

  it("creates a real merge commit when the base moved with changes elsewhere", async () => {
    const cr = await propose(f, "p", { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 3\n" });
    const moved = f.src.commit({ message: "ledger by hand", files: { "apps/ledger/prod/values.yaml": "tag: 2.0.1\n" } });
    const merged = await f.repo.mergeChangeRequest(cr.number, { mergedBy: bob });
    const sha = merged.mergeCommitSha ?? "";
    expect(f.src.git("rev-parse", "main").trim()).toBe(sha);
    expect(f.src.git("rev-list", "--parents", "-n", "1", sha).trim()).toBe(`${sha} ${moved} ${cr.headSha}`);
    expect(f.src.git("log", "-1", "--format=%an|%cn|%s", sha).trim()).toBe("Bob Reviewer|Ferry|Merge change request #1 from p");
    // Both changes are in the working tree of the checked-out main.
    expect(fs.readFileSync(path.join(f.src.dir, "apps/cart/prod/values.yaml"), "utf8")).toBe("tag: 1.1.0\nreplicas: 3\n");
    expect(fs.readFileSync(path.join(f.src.dir, "apps/ledger/prod/values.yaml"), "utf8")).toBe("tag: 2.0.1\n");
    expect(f.src.git("status", "--porcelain")).toBe("");
  });

  it("refuses a conflicting merge with ConflictError naming the files, and leaves the base untouched", async () => {
    const cr = await propose(f, "p", { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 3\n" });
    const moved = f.src.commit({ message: "hotfix", files: { "apps/cart/prod/values.yaml": "tag: 1.0.1\nreplicas: 3\n" } });
    expect((await f.repo.getChangeRequest(cr.number)).mergeable).toBe(false);
    const error = await f.repo.mergeChangeRequest(cr.number).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain('"apps/cart/prod/values.yaml"');
    expect(f.src.git("rev-parse", "main").trim()).toBe(moved);
    expect(f.src.git("status", "--porcelain")).toBe("");
    expect((await f.repo.getChangeRequest(cr.number)).state).toBe("open");
  });

  it("refuses (StaleBaseError) when the head moved since the reviewer saw it", async () => {
    const cr = await propose(f, "p", { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 3\n" });
    await f.repo.createBranchWithCommit({ baseSha: f.base, branch: "p", message: "sneaky", author: alice, changes: [{ path: "apps/cart/prod/values.yaml", content: "tag: 6.6.6\n" }], force: true });
    const error = await f.repo.mergeChangeRequest(cr.number, { expectedHeadSha: cr.headSha }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleBaseError);
    expect(f.src.git("rev-parse", "main").trim()).toBe(f.base);
  });

  it("refuses to move a checked-out branch whose working tree has local edits", async () => {
    const cr = await propose(f, "p", { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 3\n" });
    fs.writeFileSync(path.join(f.src.dir, "apps/cart/prod/values.yaml"), "tag: edited-by-hand\n");
    const error = await f.repo.mergeChangeRequest(cr.number).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(f.src.git("rev-parse", "main").trim()).toBe(f.base);
    expect(fs.readFileSync(path.join(f.src.dir, "apps/cart/prod/values.yaml"), "utf8")).toBe("tag: edited-by-hand\n");
  });

  it("closes (optionally deleting the branch), idempotently; a closed one cannot be merged", async () => {
    const cr = await propose(f, "p", { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 3\n" });
    const closed = await f.repo.closeChangeRequest(cr.number, { deleteBranch: true });
    expect(closed).toMatchObject({ state: "closed", headSha: cr.headSha, mergeable: null });
    expect(f.src.git("branch", "--list", "p")).toBe("");
    expect((await f.repo.closeChangeRequest(cr.number)).state).toBe("closed");
    await expect(f.repo.mergeChangeRequest(cr.number)).rejects.toThrow(/already closed/);
    expect(await f.repo.findChangeRequest({ headBranch: "p" })).toBeNull();
    expect((await f.repo.findChangeRequest({ headBranch: "p", state: "any" }))?.state).toBe("closed");
  });

  it("squash-merges into one commit with the base as only parent; refuses drafts and rebase", async () => {
    const cr = await propose(f, "p", { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 3\n" });
    const merged = await f.repo.mergeChangeRequest(cr.number, { method: "squash", commitMessage: "Promote cart" });
    expect(f.src.git("rev-list", "--parents", "-n", "1", "main").trim()).toBe(`${merged.mergeCommitSha} ${f.base}`);
    await f.repo.createBranchWithCommit({ baseSha: f.base, branch: "d", message: "d", author: alice, changes: [{ path: "d.txt", content: "d\n" }] });
    const draft = await f.repo.openChangeRequest({ headBranch: "d", baseBranch: "main", title: "Draft", body: "", draft: true });
    expect(draft.state).toBe("draft");
    await expect(f.repo.mergeChangeRequest(draft.number)).rejects.toThrow(/draft/);
    await expect(f.repo.mergeChangeRequest(draft.number, { method: "rebase" })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("two merges racing for the same base: never a lost update", async () => {
    for (let round = 0; round < 3; round++) {
      const tip = f.src.git("rev-parse", "main").trim();
      const a = await propose(f, `a${round}`, { [`apps/cart/prod/a${round}.txt`]: "a\n" }, tip);
      const b = await propose(f, `b${round}`, { [`apps/ledger/prod/b${round}.txt`]: "b\n" }, tip);
      const results = await Promise.allSettled([f.repo.mergeChangeRequest(a.number), f.repo.mergeChangeRequest(b.number)]);
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [[a, b][i]] : []));
      expect(won.length).toBeGreaterThanOrEqual(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason, String(r.reason)).toBeInstanceOf(StaleBaseError);
      // Every merge reported as done is really in main.
      for (const cr of won) execFileSync("git", ["merge-base", "--is-ancestor", cr?.headSha ?? "", "main"], { cwd: f.src.dir, env: gitEnv() });
      for (const [i, r] of results.entries()) if (r.status === "rejected") expect((await f.repo.getChangeRequest([a, b][i]?.number ?? 0)).state).toBe("open");
      // The checked-out working tree is exactly the new main: no half-applied loser.
      expect(f.src.git("status", "--porcelain")).toBe("");
    }
  });

  it("says clearly when no store was given", async () => {
    const bare = new GitRepository({ name: "nostore", url: f.src.dir });
    await expect(bare.getChangeRequest(1)).rejects.toThrow(/no change request store/);
  });
});

describe("change requests on a bare repository and on a remote URL", () => {
  let src: TestRepo;
  let tmp: string;
  let remoteDir: string;
  let base: string;
  const remoteGit = (...args: string[]) => execFileSync("git", [`--git-dir=${remoteDir}`, ...args], { env: gitEnv(), encoding: "utf8" });

  beforeEach(() => {
    src = TestRepo.create();
    base = src.commit({ message: "Initial", files: { "a.txt": "a\n", "b.txt": "b\n" } });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-cr-remote-"));
    remoteDir = path.join(tmp, "remote.git");
    execFileSync("git", ["clone", "--quiet", "--bare", src.dir, remoteDir], { env: gitEnv() });
  });
  afterEach(() => {
    src.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const kind of ["bare path", "file:// URL"] as const) {
    it(`merges through ${kind}: a merge commit when main moved`, async () => {
      const url = kind === "bare path" ? remoteDir : `file://${remoteDir}`;
      const repo = new GitRepository({ name: "r", url, cacheDir: path.join(tmp, "cache"), changeRequests: new MemoryChangeRequestStore() });
      await repo.createBranchWithCommit({ baseSha: base, branch: "p", message: "p", author: alice, changes: [{ path: "a.txt", content: "A\n" }] });
      const cr = await repo.openChangeRequest({ headBranch: "p", baseBranch: "main", title: "P", body: "" });
      const moved = src.commit({ message: "b by hand", files: { "b.txt": "B\n" } });
      execFileSync("git", ["push", "--quiet", remoteDir, `${moved}:refs/heads/main`], { cwd: src.dir, env: gitEnv() });
      const merged = await repo.mergeChangeRequest(cr.number);
      expect(remoteGit("rev-parse", "main").trim()).toBe(merged.mergeCommitSha);
      expect(remoteGit("show", "main:a.txt")).toBe("A\n");
      expect(remoteGit("show", "main:b.txt")).toBe("B\n");
      expect(await repo.resolveRef("main")).toBe(merged.mergeCommitSha);
    });
  }
});
