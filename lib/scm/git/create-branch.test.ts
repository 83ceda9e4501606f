import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, InvalidInputError, RefNotFoundError } from "../errors";
import { gitEnv } from "./git-env";
import { GitRepository } from "./git-repository";
import { TestRepo } from "./test-repo";

const alice = { name: "Alice Example", email: "alice@example.com" };
const CRLF_BOM = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a: 1\r\nb: 2\r\n")]);

/** Exact bytes of a file at a revision (TestRepo.git decodes as UTF-8, which would hide a BOM or CR). */
function blobBytes(gitDir: string, rev: string, file: string): Buffer {
  return execFileSync("git", [`--git-dir=${gitDir}`, "cat-file", "blob", `${rev}:${file}`], { env: gitEnv() });
}

describe("createBranchWithCommit on a local repository", () => {
  let src: TestRepo;
  let repo: GitRepository;
  let base: string;

  beforeAll(() => {
    src = TestRepo.create();
    base = src.commit({
      message: "Initial",
      files: {
        "apps/checkout/production/kustomization.yaml": "newTag: 1.0.0\n",
        "apps/checkout/staging/kustomization.yaml": "newTag: 1.1.0\n",
        "apps/old/values.yaml": "x: 1\n",
        "scripts/run.sh": "#!/bin/sh\necho hi\n",
      },
    });
    fs.chmodSync(path.join(src.dir, "scripts/run.sh"), 0o755);
    base = src.commit({ message: "Executable script" });
    repo = new GitRepository({ name: "demo", url: src.dir });
  });
  afterAll(() => src.remove());
  afterEach(() => {
    for (const b of src.git("for-each-ref", "--format=%(refname:short)", "refs/heads/").split("\n").filter((l) => l && l !== "main")) src.git("branch", "-D", b);
  });

  it("creates, updates and deletes files in ONE commit on top of the base, bytes exact", async () => {
    const { commitSha } = await repo.createBranchWithCommit({
      baseSha: base,
      branch: "ferry/promote/checkout/production",
      message: "Promote checkout 1.1.0 to production",
      author: alice,
      changes: [
        { path: "apps/checkout/production/kustomization.yaml", content: "newTag: 1.1.0\n" },
        { path: "apps/checkout/production/extra.yaml", content: CRLF_BOM },
        { path: "apps/checkout/production/bom.yaml", content: "\uFEFFkey: value\r\n" },
        { path: "apps/old/values.yaml", delete: true },
        { path: "scripts/run.sh", content: "#!/bin/sh\necho promoted\n" },
      ],
    });
    expect(src.git("rev-parse", "refs/heads/ferry/promote/checkout/production").trim()).toBe(commitSha);
    expect(src.git("rev-list", "--parents", "-n", "1", commitSha).trim()).toBe(`${commitSha} ${base}`);
    expect(src.git("show", "--name-status", "--format=%an <%ae>|%cn <%ce>|%s", commitSha).trim().split("\n")).toEqual([
      "Alice Example <alice@example.com>|Ferry <ferry@localhost>|Promote checkout 1.1.0 to production",
      "",
      "A\tapps/checkout/production/bom.yaml",
      "A\tapps/checkout/production/extra.yaml",
      "M\tapps/checkout/production/kustomization.yaml",
      "D\tapps/old/values.yaml",
      "M\tscripts/run.sh",
    ]);
    const gitDir = path.join(src.dir, ".git");
    expect(blobBytes(gitDir, commitSha, "apps/checkout/production/extra.yaml").equals(CRLF_BOM)).toBe(true);
    expect(blobBytes(gitDir, commitSha, "apps/checkout/production/bom.yaml").equals(Buffer.from("\uFEFFkey: value\r\n", "utf8"))).toBe(true);
    // The executable keeps its mode; untouched files keep their blobs.
    expect(src.git("ls-tree", commitSha, "scripts/run.sh")).toMatch(/^100755 blob/);
    expect(src.git("rev-parse", `${commitSha}:apps/checkout/staging/kustomization.yaml`)).toBe(src.git("rev-parse", `${base}:apps/checkout/staging/kustomization.yaml`));
  });

  it("keeps CRLF even when the repository asks git to convert line endings", async () => {
    src.git("config", "core.autocrlf", "true");
    try {
      const { commitSha } = await repo.createBranchWithCommit({ baseSha: base, branch: "crlf", message: "crlf", author: alice, changes: [{ path: "w.txt", content: "a\r\nb\r\n" }] });
      expect(blobBytes(path.join(src.dir, ".git"), commitSha, "w.txt").toString("latin1")).toBe("a\r\nb\r\n");
    } finally {
      src.git("config", "--unset", "core.autocrlf");
    }
  });

  it("leaves the working tree, the index and HEAD of the repository alone", async () => {
    fs.writeFileSync(path.join(src.dir, "apps/checkout/staging/kustomization.yaml"), "newTag: local-edit\n");
    fs.writeFileSync(path.join(src.dir, "untracked.txt"), "mine\n");
    const before = { status: src.git("status", "--porcelain"), head: src.git("rev-parse", "HEAD"), index: src.git("ls-files", "-s") };
    try {
      await repo.createBranchWithCommit({ baseSha: base, branch: "side", message: "m", author: alice, changes: [{ path: "apps/checkout/staging/kustomization.yaml", content: "newTag: 9\n" }] });
      expect({ status: src.git("status", "--porcelain"), head: src.git("rev-parse", "HEAD"), index: src.git("ls-files", "-s") }).toEqual(before);
      expect(fs.readFileSync(path.join(src.dir, "apps/checkout/staging/kustomization.yaml"), "utf8")).toBe("newTag: local-edit\n");
    } finally {
      src.git("checkout", "--", "apps/checkout/staging/kustomization.yaml");
      fs.rmSync(path.join(src.dir, "untracked.txt"));
    }
  });

  it("refuses an existing branch with ConflictError, and replaces it with force", async () => {
    const first = await repo.createBranchWithCommit({ baseSha: base, branch: "promo", message: "one", author: alice, changes: [{ path: "a.txt", content: "1\n" }] });
    const error = await repo.createBranchWithCommit({ baseSha: base, branch: "promo", message: "two", author: alice, changes: [{ path: "a.txt", content: "2\n" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/already exists/);
    expect(src.git("rev-parse", "promo").trim()).toBe(first.commitSha);

    const second = await repo.createBranchWithCommit({ baseSha: base, branch: "promo", message: "two", author: alice, changes: [{ path: "a.txt", content: "2\n" }], force: true });
    expect(src.git("rev-parse", "promo").trim()).toBe(second.commitSha);
    expect(src.git("rev-list", "--parents", "-n", "1", "promo").trim()).toBe(`${second.commitSha} ${base}`);
  });

  it("refuses to force-replace the branch that is checked out", async () => {
    await expect(
      repo.createBranchWithCommit({ baseSha: base, branch: "main", message: "x", author: alice, changes: [{ path: "a.txt", content: "1\n" }], force: true }),
    ).rejects.toThrow(/checked out/);
    expect(src.git("rev-parse", "main").trim()).toBe(base);
  });

  it("throws RefNotFoundError for an unknown base", async () => {
    await expect(repo.createBranchWithCommit({ baseSha: "1".repeat(40), branch: "b", message: "m", author: alice, changes: [{ path: "a", content: "" }] })).rejects.toBeInstanceOf(
      RefNotFoundError,
    );
  });

  it.each([
    "/etc/passwd",
    "../outside.yaml",
    "apps/../../x",
    "apps/./x.yaml",
    "apps//x.yaml",
    ".git/config",
    "apps/.GIT/hooks/pre-commit",
    "apps/x\0.yaml",
    "apps\\x.yaml",
    "-rf",
    "apps/",
    "",
  ])("refuses the hostile path %j", async (p) => {
    await expect(repo.createBranchWithCommit({ baseSha: base, branch: "hostile", message: "m", author: alice, changes: [{ path: p, content: "x" }] })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(src.git("branch", "--list", "hostile")).toBe("");
  });

  it.each(["-b", "a..b", "HEAD", "@{-1}", "x.lock", "a b", "refs/heads/x", "x~1", "x:y", "bad\nname", ""])("refuses the branch name %j", async (branch) => {
    await expect(repo.createBranchWithCommit({ baseSha: base, branch, message: "m", author: alice, changes: [{ path: "a", content: "x" }] })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("refuses identities git would rewrite, empty messages and duplicate paths", async () => {
    const ok = { baseSha: base, branch: "b", message: "m", author: alice, changes: [{ path: "a", content: "x" }] };
    await expect(repo.createBranchWithCommit({ ...ok, author: { name: "Eve <evil@x>", email: "e@x" } })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(repo.createBranchWithCommit({ ...ok, message: "  \n" })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(repo.createBranchWithCommit({ ...ok, changes: [] })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(repo.createBranchWithCommit({ ...ok, changes: [{ path: "a", content: "1" }, { path: "a", delete: true }] })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("refuses a change that would silently replace a folder by a file (or the reverse)", async () => {
    await expect(repo.createBranchWithCommit({ baseSha: base, branch: "df", message: "m", author: alice, changes: [{ path: "apps/old", content: "x" }] })).rejects.toThrow(
      /also remove "apps\/old\/values.yaml"/,
    );
    await expect(
      repo.createBranchWithCommit({ baseSha: base, branch: "df", message: "m", author: alice, changes: [{ path: "scripts/run.sh/inner", content: "x" }] }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    // Deleting the file in the same commit makes room for the folder.
    const { commitSha } = await repo.createBranchWithCommit({
      baseSha: base,
      branch: "df",
      message: "m",
      author: alice,
      changes: [
        { path: "apps/old/values.yaml", delete: true },
        { path: "apps/old", content: "now a file\n" },
      ],
    });
    expect(src.git("show", `${commitSha}:apps/old`)).toBe("now a file\n");
  });

  it("deletes branches; deleting a missing branch is fine; the default branch is refused", async () => {
    await repo.createBranchWithCommit({ baseSha: base, branch: "gone", message: "m", author: alice, changes: [{ path: "a", content: "x" }] });
    await repo.deleteBranch("gone");
    expect(src.git("branch", "--list", "gone")).toBe("");
    await expect(repo.deleteBranch("gone")).resolves.toBeUndefined();
    await expect(repo.deleteBranch("main")).rejects.toBeInstanceOf(ConflictError);
    await expect(repo.deleteBranch("--all")).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("two concurrent creations of the same branch: exactly one wins, the other gets ConflictError", async () => {
    const attempt = (n: number) =>
      repo.createBranchWithCommit({ baseSha: base, branch: "race", message: `attempt ${n}`, author: alice, changes: [{ path: "race.txt", content: `${n}\n` }] });
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([attempt(1), attempt(2), attempt(3)]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(2);
      for (const e of lost) expect(e).toBeInstanceOf(ConflictError);
      expect(src.git("rev-parse", "race").trim()).toBe((won[0] as PromiseFulfilledResult<{ commitSha: string }>).value.commitSha);
      src.git("branch", "-D", "race");
    }
  });
});

describe("createBranchWithCommit on a remote URL", () => {
  let src: TestRepo;
  let remoteDir: string;
  let cacheDir: string;
  let repo: GitRepository;
  let base: string;
  const remoteGit = (...args: string[]) => execFileSync("git", [`--git-dir=${remoteDir}`, ...args], { env: gitEnv(), encoding: "utf8" });

  beforeAll(() => {
    src = TestRepo.create();
    base = src.commit({ message: "Initial", files: { "apps/a/prod/values.yaml": "tag: 1\n" } });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-remote-"));
    remoteDir = path.join(tmp, "remote.git");
    cacheDir = path.join(tmp, "cache");
    execFileSync("git", ["clone", "--quiet", "--bare", src.dir, remoteDir], { env: gitEnv() });
    repo = new GitRepository({ name: "remote", url: `file://${remoteDir}`, cacheDir });
  });
  afterAll(() => {
    src.remove();
    fs.rmSync(path.dirname(remoteDir), { recursive: true, force: true });
  });

  it("pushes the new branch to the remote and sees it in the mirror", async () => {
    const { commitSha } = await repo.createBranchWithCommit({ baseSha: base, branch: "ferry/p", message: "Promote", author: alice, changes: [{ path: "apps/a/prod/values.yaml", content: "tag: 2\n" }] });
    expect(remoteGit("rev-parse", "refs/heads/ferry/p").trim()).toBe(commitSha);
    expect(remoteGit("show", `${commitSha}:apps/a/prod/values.yaml`)).toBe("tag: 2\n");
    expect(await repo.resolveRef("ferry/p")).toBe(commitSha);
  });

  it("sees a branch someone else pushed (ConflictError), replaces it with force, and deletes it", async () => {
    const other = src.commit({ message: "someone else", files: { "x.txt": "x\n" } });
    execFileSync("git", ["push", "--quiet", remoteDir, `${other}:refs/heads/theirs`], { cwd: src.dir, env: gitEnv() });
    const input = { baseSha: base, branch: "theirs", message: "mine", author: alice, changes: [{ path: "y.txt", content: "y\n" }] };
    await expect(repo.createBranchWithCommit(input)).rejects.toBeInstanceOf(ConflictError);
    expect(remoteGit("rev-parse", "refs/heads/theirs").trim()).toBe(other);
    const { commitSha } = await repo.createBranchWithCommit({ ...input, force: true });
    expect(remoteGit("rev-parse", "refs/heads/theirs").trim()).toBe(commitSha);
    await repo.deleteBranch("theirs");
    expect(remoteGit("for-each-ref", "refs/heads/theirs")).toBe("");
  });

  it("racing creations against the remote: one wins, the others get ConflictError", async () => {
    const attempt = (n: number) => repo.createBranchWithCommit({ baseSha: base, branch: "remote-race", message: `${n}`, author: alice, changes: [{ path: "r.txt", content: `${n}\n` }] });
    const results = await Promise.allSettled([attempt(1), attempt(2)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected");
    expect(lost?.status === "rejected" && lost.reason).toBeInstanceOf(ConflictError);
  });
});
