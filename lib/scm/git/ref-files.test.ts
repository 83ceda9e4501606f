import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readBranchHead } from "./ref-files";
import { TestRepo } from "./test-repo";

// The ref files must give exactly what `git rev-parse refs/heads/<branch>` gives, or nothing.
describe("readBranchHead", () => {
  const repos: TestRepo[] = [];
  afterEach(() => {
    for (const r of repos.splice(0)) fs.rmSync(r.dir, { recursive: true, force: true });
  });
  function repo(): TestRepo {
    const r = TestRepo.create();
    repos.push(r);
    r.commit({ message: "one", files: { "a.yaml": "a: 1\n" } });
    r.git("branch", "feature/x");
    r.commit({ message: "two", files: { "a.yaml": "a: 2\n" } });
    return r;
  }
  const gitDir = (r: TestRepo) => path.join(r.dir, ".git");
  const revParse = (r: TestRepo, ref: string) => r.git("rev-parse", `refs/heads/${ref}`).trim();

  it("reads loose refs, including branch names with slashes", async () => {
    const r = repo();
    expect(await readBranchHead(gitDir(r), "main")).toBe(revParse(r, "main"));
    expect(await readBranchHead(gitDir(r), "feature/x")).toBe(revParse(r, "feature/x"));
  });

  it("reads packed refs, and a loose ref wins over its packed copy as in git", async () => {
    const r = repo();
    const before = revParse(r, "main");
    r.git("pack-refs", "--all");
    expect(fs.existsSync(path.join(gitDir(r), "refs/heads/main"))).toBe(false);
    expect(await readBranchHead(gitDir(r), "main")).toBe(before);
    r.commit({ message: "three", files: { "a.yaml": "a: 3\n" } });
    expect(await readBranchHead(gitDir(r), "main")).toBe(revParse(r, "main"));
    expect(revParse(r, "main")).not.toBe(before);
  });

  it("returns null (ask git) for a missing branch, a symbolic ref, reftable, worktrees and odd names", async () => {
    const r = repo();
    expect(await readBranchHead(gitDir(r), "nope")).toBeNull();
    fs.writeFileSync(path.join(gitDir(r), "refs/heads/alias"), "ref: refs/heads/main\n");
    expect(await readBranchHead(gitDir(r), "alias")).toBeNull();
    expect(await readBranchHead(gitDir(r), "../../HEAD")).toBeNull();
    expect(await readBranchHead(gitDir(r), "main@{1}")).toBeNull();
    fs.writeFileSync(path.join(gitDir(r), "commondir"), "../..\n");
    expect(await readBranchHead(gitDir(r), "main")).toBeNull();
    fs.rmSync(path.join(gitDir(r), "commondir"));
    fs.mkdirSync(path.join(gitDir(r), "reftable"));
    expect(await readBranchHead(gitDir(r), "main")).toBeNull();
  });
});
