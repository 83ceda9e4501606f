import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitEnv } from "./git-env";
import { GitObjectReader } from "./object-reader";
import { parseLsTree } from "./parse-ls-tree";
import { commitParents, readTreeObjects } from "./tree-objects";
import { TestRepo } from "./test-repo";

// The long-lived cat-file reader against git itself: the tree it reads is what `git ls-tree -r -l`
// lists, it sees objects written after it started (loose or packed), and it survives its process dying.

let t: TestRepo;
let reader: GitObjectReader;
const gitDir = () => path.join(t.dir, ".git");

beforeAll(() => {
  t = TestRepo.create();
  t.commit({
    message: "layout",
    files: {
      "README.md": "# hi\n",
      "apps/a/base/deployment.yaml": "image: a:1\n",
      "apps/a/overlays/prod/kustomization.yaml": "resources: [../../base]\n",
      "apps/b/values.yaml": "tag: 2\n",
      "docs/ä b.yaml": "unicode: true\n",
      "z/deep/er/still/x.yaml": "x: 1\n",
      "-dash.yaml": "d: 1\n",
    },
  });
  fs.chmodSync(path.join(t.dir, "README.md"), 0o755);
  fs.symlinkSync("apps/b/values.yaml", path.join(t.dir, "link.yaml"));
  // A name that is not UTF-8, and a submodule entry (gitlink) that has no content here.
  fs.writeFileSync(Buffer.concat([Buffer.from(`${t.dir}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from(".yaml")]), "b: 1\n");
  t.git("update-index", "--add", "--cacheinfo", `160000,${"a".repeat(40)},vendor/sub`);
  t.commit({ message: "more" });
  reader = new GitObjectReader(gitDir(), { idleMs: 60_000 });
});

afterAll(() => {
  reader.close();
  t.remove();
});

const lsTree = (rev: string) =>
  parseLsTree(execFileSync("git", [`--git-dir=${gitDir()}`, "ls-tree", "-r", "-l", "-z", "--full-tree", rev], { env: gitEnv(), encoding: "utf8" }));

describe("readTreeObjects", () => {
  it("lists what git ls-tree -r -l lists: same order, paths, modes, sizes, no submodules", async () => {
    const expected = lsTree("HEAD");
    expect(expected.some((e) => e.mode === "120000")).toBe(true);
    expect(expected.some((e) => e.mode === "100755")).toBe(true);
    expect(expected.some((e) => e.path.includes("\uFFFD"))).toBe(true);
    expect(await readTreeObjects(reader, "HEAD")).toEqual(expected);
    expect(await readTreeObjects(reader, t.git("rev-parse", "HEAD~1").trim())).toEqual(lsTree("HEAD~1"));
  });

  it("answers null for a name that is no commit or tree", async () => {
    expect(await readTreeObjects(reader, "f".repeat(40))).toBeNull();
    expect(await readTreeObjects(reader, "no-such-branch")).toBeNull();
  });
});

describe("GitObjectReader", () => {
  it("reads objects written after it started, loose and then packed", async () => {
    const sha = t.commit({ message: "later", files: { "apps/a/base/deployment.yaml": "image: a:2\n" } });
    expect(await readTreeObjects(reader, sha)).toEqual(lsTree(sha));
    const next = t.commit({ message: "packed", files: { "apps/b/values.yaml": "tag: 3\n" } });
    t.git("gc", "--quiet", "--prune=now");
    expect(fs.readdirSync(path.join(gitDir(), "objects")).filter((d) => /^[0-9a-f]{2}$/.test(d))).toEqual([]);
    expect(await readTreeObjects(reader, next)).toEqual(lsTree(next));
  });

  it("answers concurrent callers each with their own objects, and missing ones as missing", async () => {
    const head = t.git("rev-parse", "HEAD").trim();
    const tree = t.git("rev-parse", "HEAD^{tree}").trim();
    const [a, b, c] = await Promise.all([reader.contents([head]), reader.info([tree, "0".repeat(40)]), reader.contents([`${head}:apps/b/values.yaml`])]);
    expect(a[0]).toMatchObject({ missing: false, oid: head, type: "commit" });
    expect(b).toEqual([{ missing: false, oid: tree, type: "tree", size: expect.any(Number), body: null }, { missing: true }]);
    expect(c[0] && !c[0].missing ? c[0].body?.toString("utf8") : null).toBe("tag: 3\n");
  });

  it("starts again after its process died, and fails only the requests that were waiting", async () => {
    await reader.info(["HEAD"]);
    const pid = (reader as unknown as { child: { pid: number } | null }).child?.pid;
    expect(pid).toBeTypeOf("number");
    process.kill(pid!, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [answer] = await reader.contents(["HEAD"]);
    expect(answer).toMatchObject({ missing: false, type: "commit" });
  });

  it("refuses an object name that would be read as two commands", async () => {
    await expect(reader.info(["HEAD\ncontents HEAD"])).rejects.toThrow(/Refusing object name/);
  });

  it("reads a commit's parents from its header", async () => {
    const head = t.git("rev-parse", "HEAD").trim();
    expect(await commitParents(reader, head)).toEqual([t.git("rev-parse", "HEAD~1").trim()]);
    expect(await commitParents(reader, t.git("rev-parse", "HEAD^{tree}").trim())).toBeNull();
  });
});
