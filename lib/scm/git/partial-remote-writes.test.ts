import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryChangeRequestStore } from "../change-request-store";
import { gitEnv } from "./git-env";
import { GitRepository } from "./git-repository";
import { TestRepo } from "./test-repo";

// A plain git remote is a bare partial clone: it lacks the blobs of files Ferry never read. Writing
// to it (a commit on a new branch, pushed), and merging, where git merges a file both sides changed
// line by line, must work without those blobs, fetching only what the merge reads.

const alice = { name: "Alice Example", email: "alice@example.com" };
const git = (gitDir: string, ...args: string[]) => execFileSync("git", [`--git-dir=${gitDir}`, ...args], { env: gitEnv({ GIT_CONFIG_GLOBAL: "/dev/null" }), encoding: "utf8" });

let origin: string;
let work: TestRepo;
let cacheDir: string;
let repo: GitRepository;

function cloneDir(): string {
  const dir = fs.readdirSync(cacheDir).find((d) => d.startsWith("plain-") && d.endsWith(".git"));
  if (!dir) throw new Error("no clone");
  return path.join(cacheDir, dir);
}

/** Blobs the clone does not have. */
function missingBlobs(): number {
  return git(cloneDir(), "rev-list", "--objects", "--missing=print", "--all").split("\n").filter((l) => l.startsWith("?")).length;
}

beforeAll(() => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-partial-remote-"));
  origin = path.join(root, "origin.git");
  cacheDir = path.join(root, "cache");
  execFileSync("git", ["init", "--bare", "--quiet", "--initial-branch=main", origin], { env: gitEnv({ GIT_CONFIG_GLOBAL: "/dev/null" }) });
  git(origin, "config", "uploadpack.allowFilter", "true");
  work = TestRepo.create("ferry-partial-work-");
  const files: Record<string, string> = { "apps/cart/prod/values.yaml": "tag: 1.0.0\nreplicas: 3\nregion: eu\n" };
  for (let i = 0; i < 40; i++) files[`apps/app-${i}/prod/values.yaml`] = `tag: 0.${i}.0\n`;
  work.commit({ message: "Initial", files });
  work.git("push", "--quiet", origin, "main");
  repo = new GitRepository({ name: "plain", url: `file://${origin}`, cacheDir, changeRequests: new MemoryChangeRequestStore() });
});

afterAll(() => {
  work.remove();
  fs.rmSync(path.dirname(origin), { recursive: true, force: true });
});

describe("writes and merges through a partial clone of a plain git remote", () => {
  it("reads without fetching the blobs nobody asked for", async () => {
    const head = await repo.resolveRef("main");
    expect(await repo.readTree(head)).toHaveLength(41);
    expect(missingBlobs()).toBe(41);
    const cart = (await repo.readTree(head)).find((e) => e.path === "apps/cart/prod/values.yaml");
    expect((await repo.readBlobs([cart?.blobSha ?? ""])).get(cart?.blobSha ?? "")).toBe("tag: 1.0.0\nreplicas: 3\nregion: eu\n");
    expect(missingBlobs()).toBe(40);
  });

  it("commits on a new branch and pushes it, then merges it over a change to other lines of the same file", async () => {
    const base = await repo.resolveRef("main");
    await repo.createBranchWithCommit({ baseSha: base, branch: "ferry/promote/cart/prod", message: "Promote cart", author: alice, changes: [{ path: "apps/cart/prod/values.yaml", content: "tag: 1.1.0\nreplicas: 3\nregion: eu\n" }] });
    expect(git(origin, "show", "ferry/promote/cart/prod:apps/cart/prod/values.yaml")).toBe("tag: 1.1.0\nreplicas: 3\nregion: eu\n");
    const cr = await repo.openChangeRequest({ headBranch: "ferry/promote/cart/prod", baseBranch: "main", title: "Promote cart", body: "" });

    // Someone else changes the last line of the same file on main: a line-by-line merge reads all three versions.
    work.commit({ message: "Move cart", files: { "apps/cart/prod/values.yaml": "tag: 1.0.0\nreplicas: 3\nregion: us\n" } });
    work.git("push", "--quiet", origin, "main");
    const [polled] = await repo.pollChangeRequests([{ number: cr.number, updatedAt: null }]);
    expect(polled).toMatchObject({ state: "open", conflict: false, mergeable: true });

    const merged = await repo.mergeChangeRequest(cr.number, { mergedBy: alice });
    expect(merged.state).toBe("merged");
    expect(git(origin, "show", "main:apps/cart/prod/values.yaml")).toBe("tag: 1.1.0\nreplicas: 3\nregion: us\n");
    // The 40 other apps' files were never fetched.
    expect(missingBlobs()).toBeGreaterThanOrEqual(40);
  });

  it("marks a change whose lines someone else changed as a conflict", async () => {
    const base = await repo.resolveRef("main");
    await repo.createBranchWithCommit({ baseSha: base, branch: "ferry/promote/cart/scale", message: "Scale cart", author: alice, changes: [{ path: "apps/cart/prod/values.yaml", content: "tag: 1.1.0\nreplicas: 5\nregion: us\n" }] });
    const cr = await repo.openChangeRequest({ headBranch: "ferry/promote/cart/scale", baseBranch: "main", title: "Scale cart", body: "" });
    work.git("pull", "--quiet", origin, "main");
    work.commit({ message: "Scale cart by hand", files: { "apps/cart/prod/values.yaml": "tag: 1.1.0\nreplicas: 7\nregion: us\n" } });
    work.git("push", "--quiet", origin, "main");
    const [polled] = await repo.pollChangeRequests([{ number: cr.number, updatedAt: null }]);
    expect(polled).toMatchObject({ state: "open", conflict: true, mergeable: false });
  });
});
