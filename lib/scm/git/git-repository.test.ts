import * as childProcess from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ForgeUnavailableError, InvalidInputError, RefNotFoundError } from "../errors";
import { GitRepository } from "./git-repository";
import { TestRepo } from "./test-repo";

// Count git processes by wrapping the real spawn: readBlobs must use one, whatever the blob count.
vi.mock("node:child_process", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:child_process")>();
  return { ...actual, spawn: vi.fn(actual.spawn) };
});

const alice = { name: "Alice Example", email: "alice@example.com" };
const bob = { name: "Bob Example", email: "bob@example.com" };
const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]);

describe("GitRepository (local path)", () => {
  let src: TestRepo;
  let repo: GitRepository;
  const shas: string[] = [];

  beforeAll(() => {
    src = TestRepo.create();
    shas.push(
      src.commit({
        message: "Initial layout\n\nWith a body line.",
        author: alice,
        date: "2026-01-10T09:00:00+01:00",
        files: {
          "apps/checkout/dev/deployment.yaml": "image: checkout:1.0.0\n",
          "apps/checkout/production/deployment.yaml": "image: checkout:1.0.0\n",
          "apps/ledger/dev/deployment.yaml": "image: ledger:2.0.0\n",
          "docs/logo.png": BINARY,
          "docs/bom.yaml": "\uFEFFkey: value\n",
          "docs/latin1.txt": Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1: not UTF-8
          "docs/ä b.yaml": "unicode: true\n",
          "README.md": "# demo\n",
        },
      }),
    );
    shas.push(src.commit({ message: "Bump checkout in dev", author: bob, date: "2026-01-12T10:00:00+01:00", files: { "apps/checkout/dev/deployment.yaml": "image: checkout:1.1.0\n" } }));
    shas.push(src.commit({ message: "Bump ledger in dev", author: alice, date: "2026-01-14T11:00:00+01:00", files: { "apps/ledger/dev/deployment.yaml": "image: ledger:2.1.0\n" } }));
    fs.chmodSync(path.join(src.dir, "README.md"), 0o755);
    shas.push(src.commit({ message: "Make README executable (for the mode test)", author: bob, date: "2026-01-15T08:00:00+01:00" }));
    src.git("tag", "v1", shas[1] ?? "");
    repo = new GitRepository({ name: "demo", url: src.dir });
  });
  afterAll(() => src.remove());

  it("resolves branches, tags and short shas to full commit shas", async () => {
    expect(await repo.resolveRef("main")).toBe(shas[3]);
    expect(await repo.resolveRef("v1")).toBe(shas[1]);
    expect(await repo.resolveRef((shas[0] ?? "").slice(0, 10))).toBe(shas[0]);
    expect(await repo.resolveRef("refs/heads/main")).toBe(shas[3]);
  });

  it("throws RefNotFoundError for a missing ref", async () => {
    const error = await repo.resolveRef("no-such-branch").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefNotFoundError);
    expect((error as RefNotFoundError).message).toContain("no-such-branch");
    await expect(repo.readTree("0".repeat(40))).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(repo.log({ ref: "nope" })).rejects.toBeInstanceOf(RefNotFoundError);
    // A full object id goes to git log as it is (no rev-parse first): a missing one is still not found.
    await expect(repo.log({ ref: "0".repeat(40) })).rejects.toBeInstanceOf(RefNotFoundError);
  });

  it("refuses refs and paths that start with '-'", async () => {
    await expect(repo.resolveRef("--output=/tmp/pwned")).rejects.toBeInstanceOf(InvalidInputError);
    await expect(repo.readTree("-h")).rejects.toBeInstanceOf(InvalidInputError);
    await expect(repo.log({ ref: "main", paths: ["--output=/tmp/pwned"] })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(repo.lastCommitByPath("main", ["apps", "-p"])).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => new GitRepository({ name: "x", url: "--upload-pack=touch /tmp/pwned" })).toThrow(InvalidInputError);
  });

  it("reads the whole tree recursively with modes and sizes, verbatim unicode paths", async () => {
    const tree = await repo.readTree(shas[3] ?? "");
    const byPath = new Map(tree.map((e) => [e.path, e]));
    expect([...byPath.keys()].sort()).toEqual(
      [
        "README.md",
        "apps/checkout/dev/deployment.yaml",
        "apps/checkout/production/deployment.yaml",
        "apps/ledger/dev/deployment.yaml",
        "docs/bom.yaml",
        "docs/latin1.txt",
        "docs/logo.png",
        "docs/ä b.yaml",
      ].sort(),
    );
    expect(byPath.get("README.md")?.mode).toBe("100755");
    expect(byPath.get("apps/ledger/dev/deployment.yaml")).toMatchObject({ mode: "100644", size: "image: ledger:2.1.0\n".length });
    expect(byPath.get("docs/logo.png")?.blobSha).toMatch(/^[0-9a-f]{40}$/);
    // The older commit still has the old content.
    const old = await repo.readTree(shas[0] ?? "");
    expect(old.find((e) => e.path === "apps/ledger/dev/deployment.yaml")?.blobSha).not.toBe(byPath.get("apps/ledger/dev/deployment.yaml")?.blobSha);
  });

  it("leaves submodules (gitlinks) out of the tree", async () => {
    const withSub = TestRepo.create();
    try {
      withSub.commit({ message: "one", files: { "a.yaml": "a: 1\n" } });
      withSub.git("update-index", "--add", "--cacheinfo", `160000,${shas[0] ?? ""},vendor/lib`);
      withSub.git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "add submodule");
      const tree = await new GitRepository({ name: "sub", url: withSub.dir }).readTree("main");
      expect(tree.map((e) => e.path)).toEqual(["a.yaml"]);
    } finally {
      withSub.remove();
    }
  });

  it("reads the tree and its blobs as text through one cat-file process at most, skipping binary and non-UTF-8 blobs", async () => {
    const spawn = vi.mocked(childProcess.spawn);
    spawn.mockClear();
    const tree = await repo.readTree(shas[3] ?? "");
    const sha = (p: string) => tree.find((e) => e.path === p)?.blobSha ?? "";
    const blobs = await repo.readBlobs(tree.map((e) => e.blobSha));
    // The repository's object reader may still run from an earlier test: then no process starts at all.
    expect(spawn.mock.calls.length).toBeLessThanOrEqual(1);
    expect(spawn.mock.calls.every(([, args]) => (args ?? []).includes("cat-file"))).toBe(true);
    expect(blobs.get(sha("apps/ledger/dev/deployment.yaml"))).toBe("image: ledger:2.1.0\n");
    expect(blobs.get(sha("docs/ä b.yaml"))).toBe("unicode: true\n");
    expect(blobs.get(sha("docs/bom.yaml"))).toBe("\uFEFFkey: value\n"); // BOM kept: content round-trips
    expect(blobs.has(sha("docs/logo.png"))).toBe(false);
    expect(blobs.has(sha("docs/latin1.txt"))).toBe(false);
    expect(blobs.size).toBe(tree.length - 2);
  });

  it("reads many blobs in one process", async () => {
    const many = TestRepo.create();
    try {
      const files: Record<string, string> = {};
      for (let i = 0; i < 600; i++) files[`f/${i}.yaml`] = `n: ${i}\n${"x".repeat(i)}\n`;
      many.commit({ message: "many", files });
      const r = new GitRepository({ name: "many", url: many.dir });
      const spawn = vi.mocked(childProcess.spawn);
      spawn.mockClear();
      const tree = await r.readTree("main");
      const blobs = await r.readBlobs(tree.map((e) => e.blobSha));
      // Tree and blobs through the one object reader: a single git process for both.
      expect(spawn).toHaveBeenCalledTimes(1);
      expect(blobs.size).toBe(600);
      const e = tree.find((t) => t.path === "f/599.yaml");
      expect(blobs.get(e?.blobSha ?? "")).toBe(`n: 599\n${"x".repeat(599)}\n`);
    } finally {
      many.remove();
    }
  });

  it("reports a missing blob instead of returning a partial map, and validates ids", async () => {
    await expect(repo.readBlobs(["1".repeat(40)])).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(repo.readBlobs(["main"])).rejects.toBeInstanceOf(InvalidInputError);
    expect((await repo.readBlobs([])).size).toBe(0);
  });

  it("logs commits newest first with authors, dates and full messages", async () => {
    const log = await repo.log({ ref: "main" });
    expect(log.map((c) => c.sha)).toEqual([...shas].reverse());
    const first = log[3];
    expect(first).toMatchObject({ author: alice.name, email: alice.email, message: "Initial layout\n\nWith a body line." });
    expect(first?.date.toISOString()).toBe("2026-01-10T08:00:00.000Z");
    expect(log[2]).toMatchObject({ author: bob.name, message: "Bump checkout in dev" });
  });

  it("filters the log by paths and limits it", async () => {
    const checkout = await repo.log({ ref: "main", paths: ["apps/checkout"] });
    expect(checkout.map((c) => c.sha)).toEqual([shas[1], shas[0]]);
    const one = await repo.log({ ref: "main", paths: ["apps/"], limit: 1 });
    expect(one.map((c) => c.sha)).toEqual([shas[2]]);
    const fromSha = await repo.log({ ref: shas[1]!, paths: ["apps/checkout"] });
    expect(fromSha.map((c) => c.sha)).toEqual([shas[1], shas[0]]);
    const fromTag = await repo.log({ ref: "v1", paths: ["apps/ledger/dev/deployment.yaml"] });
    expect(fromTag.map((c) => c.sha)).toEqual([shas[0]]);
    // Pathspec magic is off: a "*" is a literal character, not a glob.
    expect(await repo.log({ ref: "main", paths: ["apps/*"] })).toEqual([]);
  });

  it("finds the last commit per file or folder in one walk", async () => {
    const last = await repo.lastCommitByPath(shas[3] ?? "", [
      "apps/checkout/dev",
      "apps/checkout/production/",
      "apps/ledger",
      "apps/ledger/dev/deployment.yaml",
      "apps",
      "README.md",
      "",
      "does/not/exist",
    ]);
    expect(last.get("apps/checkout/dev")?.sha).toBe(shas[1]);
    expect(last.get("apps/checkout/production/")?.sha).toBe(shas[0]);
    expect(last.get("apps/ledger")?.sha).toBe(shas[2]);
    expect(last.get("apps/ledger/dev/deployment.yaml")?.message).toBe("Bump ledger in dev");
    expect(last.get("apps")?.sha).toBe(shas[2]);
    expect(last.get("README.md")?.sha).toBe(shas[3]); // a mode change is a change
    expect(last.get("")?.sha).toBe(shas[3]);
    expect(last.has("does/not/exist")).toBe(false);
    // At an older commit, later changes are invisible.
    const older = await repo.lastCommitByPath(shas[1] ?? "", ["apps/ledger"]);
    expect(older.get("apps/ledger")?.sha).toBe(shas[0]);
  });

  it("attributes a merged branch's change to its merge commit, whatever else is asked", async () => {
    const m = TestRepo.create();
    try {
      m.commit({ message: "base", files: { "apps/a/dev/x.yaml": "v: 1\n", "apps/b/dev/x.yaml": "v: 1\n" } });
      m.git("checkout", "--quiet", "-b", "promote");
      const branchCommit = m.commit({ message: "promote a", files: { "apps/a/dev/x.yaml": "v: 2\n" } });
      m.git("checkout", "--quiet", "main");
      m.commit({ message: "touch b", files: { "apps/b/dev/x.yaml": "v: 2\n" } });
      m.git("-c", "user.name=t", "-c", "user.email=t@t", "merge", "--quiet", "--no-ff", "-m", "Merge promote", "promote");
      const merge = m.git("rev-parse", "HEAD").trim();
      const r = new GitRepository({ name: "m", url: m.dir });
      const last = await r.lastCommitByPath("main", ["apps/a", "apps/b"]);
      expect(last.get("apps/a")?.sha).toBe(merge);
      expect(last.get("apps/b")?.message).toBe("touch b");
      expect((await r.lastCommitByPath("main", ["apps/a"])).get("apps/a")?.sha).toBe(merge);
      // The branch commit is still in the history log.
      expect((await r.log({ ref: "main", paths: ["apps/a"] })).map((c) => c.sha)).toContain(branchCommit);
      // On the branch's own line it is the merge commit, as in lastCommitByPath.
      expect((await r.log({ ref: "main", paths: ["apps/a"], firstParent: true })).map((c) => c.message)).toEqual(["Merge promote", "base"]);
    } finally {
      m.remove();
    }
  });

  it("reports a deleted repository directory as ForgeUnavailableError", async () => {
    const gone = TestRepo.create();
    gone.commit({ message: "one", files: { "a.yaml": "a: 1\n" } });
    const r = new GitRepository({ name: "gone", url: gone.dir });
    const head = await r.resolveRef("main");
    gone.remove();
    for (const op of [() => r.resolveRef("main"), () => r.readTree(head), () => r.readBlobs(["1".repeat(40)]), () => r.lastCommitByPath(head, ["a.yaml"])]) {
      const error = await op().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForgeUnavailableError);
      expect((error as Error).message).toContain(gone.dir);
      expect((error as Error).message).toContain("does not exist");
    }
  });

  it("reports a directory that is not a repository, even inside another repository", async () => {
    const inner = path.join(src.dir, "apps", "not-a-repo");
    fs.mkdirSync(inner, { recursive: true });
    const error = await new GitRepository({ name: "inner", url: inner }).resolveRef("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toMatch(/not a readable git repository/);
    fs.rmSync(inner, { recursive: true });
  });

  it("reports a corrupted repository as ForgeUnavailableError", async () => {
    const broken = TestRepo.create();
    try {
      broken.commit({ message: "one", files: { "a.yaml": "a: 1\n" } });
      fs.writeFileSync(path.join(broken.dir, ".git", "HEAD"), "garbage\n");
      await expect(new GitRepository({ name: "broken", url: broken.dir }).resolveRef("main")).rejects.toBeInstanceOf(ForgeUnavailableError);
    } finally {
      broken.remove();
    }
  });
});

describe("GitRepository (remote URL, mirrored)", () => {
  let origin: TestRepo;
  let cacheDir: string;

  beforeAll(() => {
    origin = TestRepo.create("ferry-origin-");
    origin.commit({ message: "one", files: { "apps/a/dev/x.yaml": "v: 1\n" } });
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-cache-"));
  });
  afterAll(() => {
    origin.remove();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it("clones a bare mirror into the cache dir and fetches on resolveRef", async () => {
    const r = new GitRepository({ name: "remote", url: `file://${origin.dir}`, cacheDir });
    const first = await r.resolveRef("main");
    expect(first).toBe(origin.git("rev-parse", "HEAD").trim());
    const mirrors = fs.readdirSync(cacheDir);
    expect(mirrors).toHaveLength(1);
    expect(mirrors[0]).toMatch(/^remote-[0-9a-f]{12}\.git$/);

    const second = origin.commit({ message: "two", files: { "apps/a/dev/x.yaml": "v: 2\n" } });
    expect(await r.resolveRef("main")).toBe(second);
    const tree = await r.readTree(second);
    const blobs = await r.readBlobs(tree.map((e) => e.blobSha));
    expect([...blobs.values()]).toEqual(["v: 2\n"]);

    // A new instance (portal restart) reuses the mirror and still sees new commits.
    const third = origin.commit({ message: "three", files: { "apps/a/dev/x.yaml": "v: 3\n" } });
    const again = new GitRepository({ name: "remote", url: `file://${origin.dir}`, cacheDir });
    expect(await again.resolveRef("main")).toBe(third);
    expect((await again.log({ ref: "main" })).map((c) => c.message)).toEqual(["three", "two", "one"]);
  });

  it("re-clones a broken mirror (it is only a cache)", async () => {
    const r = new GitRepository({ name: "fragile", url: `file://${origin.dir}`, cacheDir });
    await r.resolveRef("main");
    const dir = path.join(cacheDir, fs.readdirSync(cacheDir).find((d) => d.startsWith("fragile-")) ?? "");
    fs.rmSync(path.join(dir, "HEAD"));
    const fresh = new GitRepository({ name: "fragile", url: `file://${origin.dir}`, cacheDir });
    expect(await fresh.resolveRef("main")).toBe(origin.git("rev-parse", "HEAD").trim());
  });

  it("reports an unreachable remote as ForgeUnavailableError without leaking credentials", async () => {
    const r = new GitRepository({ name: "nowhere", url: "file:///nonexistent/ferry/repo.git", cacheDir });
    const error = await r.resolveRef("main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeUnavailableError);
    expect((error as Error).message).toContain("from file:///nonexistent/ferry/repo.git");

    const secret = new GitRepository({ name: "secret", url: "https://user:s3cr3t@127.0.0.1:1/x.git", cacheDir, timeoutMs: 10_000 });
    const e2 = await secret.resolveRef("main").catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ForgeUnavailableError);
    expect((e2 as Error).message).not.toContain("s3cr3t");
  });

  it("requires a cache directory for remote URLs", () => {
    expect(() => new GitRepository({ name: "r", url: "https://example.com/x.git" })).toThrow(/cache directory/);
  });
});
