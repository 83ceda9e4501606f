import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRepository } from "@/lib/gitops/read";
import { loadFixture } from "@/lib/gitops/testing/load-fixture";
import { InvalidInputError, RefNotFoundError } from "../errors";
import { startGitLab, type GitLabHarness } from "./testing/harness";

// Contract tests of the read side: the real provider, reading over git (a partial clone fetched with
// real git) from the local GitLab test server, which serves git smart HTTP next to its API.

let gl: GitLabHarness;

beforeEach(async () => {
  gl = await startGitLab();
});

afterEach(async () => {
  expect(gl.server.shapeErrors).toEqual([]);
  await gl.server.close();
});

function seedFixture(name: string): string {
  const files: Record<string, string> = {};
  for (const [path, content] of loadFixture(name)) files[path] = content;
  return gl.server.model.commitFiles("main", files, "Initial import").id;
}

describe("GitLab read side", () => {
  it("syncs a repository: head, tree, blobs, then the same model as reading the files directly", async () => {
    const head = seedFixture("conventions-mix");

    expect(await gl.repo.resolveRef("main")).toBe(head);
    const entries = await gl.repo.readTree(head);
    const blobs = await gl.repo.readBlobs(entries.map((e) => e.blobSha));
    const tree = new Map(entries.map((e) => [e.path, blobs.get(e.blobSha) ?? ""]));

    const direct = readRepository(loadFixture("conventions-mix"));
    const viaGitLab = readRepository(tree);
    expect(viaGitLab).toEqual(direct);
    expect(viaGitLab.deployments.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.mode === "100644" && /^[0-9a-f]{40}$/.test(e.blobSha))).toBe(true);
  });

  it("reads a large tree from one fetch, without an API call", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 250; i++) files[`apps/app-${String(i).padStart(3, "0")}/values.yaml`] = `replicas: ${i}\n`;
    const head = gl.server.model.commitFiles("main", files).id;
    gl.server.resetRequests();

    const entries = await gl.repo.readTree(head);

    expect(entries.map((e) => e.path).sort()).toEqual(Object.keys(files).sort());
    // The commit by id: the capability advertisement and one pack (commits and trees, no blobs).
    expect(gl.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET acme/platform/gitops.git/info/refs", "POST acme/platform/gitops.git/git-upload-pack"]);
  });

  it("serves a tree it already read from memory: a commit's tree never changes", async () => {
    const head = gl.server.model.commitFiles("main", { "a.yaml": "a: 1\n" }).id;
    await gl.repo.readTree(head);
    gl.server.resetRequests();
    expect((await gl.repo.readTree(head)).map((e) => e.path)).toEqual(["a.yaml"]);
    expect(gl.server.requests).toEqual([]);
  });

  it("reads only the blobs asked for, keeps bytes exactly and leaves binary files out", async () => {
    const bom = "\uFEFFkind: ConfigMap\r\nmetadata:\r\n  name: x\r\n";
    gl.server.model.commitFiles("main", {
      "bom.yaml": bom,
      "logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
      "latin1.txt": new Uint8Array([0x63, 0x61, 0x66, 0xe9]),
      "other.yaml": "x: 1\n",
    });
    const entries = await gl.repo.readTree(await gl.repo.resolveRef("main"));
    const sha = (p: string) => entries.find((e) => e.path === p)?.blobSha ?? "";
    gl.server.resetRequests();

    const texts = await gl.repo.readBlobs([sha("bom.yaml"), sha("logo.png"), sha("latin1.txt"), sha("bom.yaml")]);

    expect(texts.get(sha("bom.yaml"))).toBe(bom);
    expect(texts.has(sha("logo.png"))).toBe(false);
    expect(texts.has(sha("latin1.txt"))).toBe(false);
    expect(texts.has(sha("other.yaml"))).toBe(false);
    // The three blobs in one fetch; "other.yaml" was never asked for, so never fetched.
    expect(gl.server.requests.map((r) => r.path.split("/").pop())).toEqual(["refs", "git-upload-pack"]);
  });

  it("reports a missing blob or ref as RefNotFoundError and refuses hostile refs", async () => {
    gl.server.model.commitFiles("main", { "a.yaml": "a\n" });
    await expect(gl.repo.readBlobs(["0".repeat(40)])).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(gl.repo.resolveRef("no-such-branch")).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(gl.repo.readTree("f".repeat(40))).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(gl.repo.resolveRef("--upload-pack=x")).rejects.toBeInstanceOf(InvalidInputError);
    await expect(gl.repo.readBlobs(["main"])).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("resolves branches, tags and commit shas", async () => {
    const first = gl.server.model.commitFiles("main", { "a.yaml": "1\n" }).id;
    const second = gl.server.model.commitFiles("main", { "a.yaml": "2\n" }).id;
    gl.server.model.tags.set("v1", first);
    expect(await gl.repo.resolveRef("main")).toBe(second);
    expect(await gl.repo.resolveRef("v1")).toBe(first);
    expect(await gl.repo.resolveRef(first)).toBe(first);
    expect(await gl.repo.resolveRef(first.slice(0, 10))).toBe(first);
  });

  it("an idle poll of an unchanged repository is one fetch that brings nothing: two small requests", async () => {
    const head = seedFixture("conventions-mix");
    // A first sync, as the sync job does it.
    const entries = await gl.repo.readTree(await gl.repo.resolveRef("main"));
    await gl.repo.readBlobs(entries.map((e) => e.blobSha));
    gl.server.resetRequests();

    // The next poll: the head did not move, so the sync stops after resolving it.
    expect(await gl.repo.resolveRef("main")).toBe(head);

    expect(gl.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET acme/platform/gitops.git/info/refs", "POST acme/platform/gitops.git/git-upload-pack"]);
    expect(gl.server.requests.reduce((sum, r) => sum + (r.bytes ?? 0), 0)).toBeLessThan(1024);
  });

  it("reads history per path and the last change of each path on the first-parent line", async () => {
    const m = gl.server.model;
    const c1 = m.commitFiles("main", { "apps/a/dev/values.yaml": "v: 1\n", "apps/b/dev/values.yaml": "v: 1\n" }, "Add apps").id;
    const c2 = m.commitFiles("main", { "apps/a/dev/values.yaml": "v: 2\n" }, "Bump a\n\nBody text\n").id;
    // A change merged from a side branch counts from its merge commit.
    m.commitFiles("feature", { "apps/b/dev/values.yaml": "v: 2\n" }, "Bump b on a branch", { from: c2 });
    const merge = m.commit({ parents: [c2, m.branches.get("feature") as string], files: m.get(m.branches.get("feature") as string).files, message: "Merge feature" }).id;
    m.branches.set("main", merge);

    const all = await gl.repo.log({ ref: "main" });
    expect(all[0]?.sha).toBe(merge);
    expect(all.map((c) => c.sha)).toContain(c1);
    const limited = await gl.repo.log({ ref: "main", paths: ["apps/a"], limit: 5 });
    expect(limited.map((c) => c.sha)).toEqual([c2, c1]);
    expect(limited[0]?.message).toBe("Bump a\n\nBody text");
    expect(limited[0]?.author).toBe("Test User");
    expect(limited[0]?.date).toBeInstanceOf(Date);

    const last = await gl.repo.lastCommitByPath(merge, ["apps/a/dev", "./apps/b/dev/", "apps/none"]);
    expect(last.get("apps/a/dev")?.sha).toBe(c2);
    expect(last.get("./apps/b/dev/")?.sha).toBe(merge);
    expect(last.has("apps/none")).toBe(false);
    // History is walked in the local clone: the forge saw git fetches only.
    expect(gl.server.requests.every((r) => r.git)).toBe(true);
  });

  it("links commits to the project's web pages", () => {
    expect(gl.repo.commitUrl("abc123")).toBe(`${gl.server.projectUrl}/-/commit/abc123`);
  });
});
