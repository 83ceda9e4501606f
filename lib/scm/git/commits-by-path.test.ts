import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitRepository } from "./git-repository";
import { TestRepo } from "./test-repo";

// commitsByPath is one history walk standing in for a `git log --first-parent` per path (the cells'
// history asks it for hundreds of paths): it must answer exactly what those logs answer.

let t: TestRepo;
let repo: GitRepository;
const FILES = ["apps/a/dev/x.yaml", "apps/a/prod/x.yaml", "apps/b/dev/x.yaml", "apps/b/prod/x.yaml", "base/common.yaml"];
const PATHS = [...FILES, "apps/a", "apps/b/prod", "apps", "base", "", "never/there"];

beforeAll(() => {
  t = TestRepo.create();
  // A deterministic but irregular history: each commit touches one or two files, dates deliberately
  // out of order on some, and a branch merged with --no-ff whose commits are not on the first-parent line.
  let n = 0;
  const day = (d: number) => `2026-03-${String(d).padStart(2, "0")}T10:00:00+00:00`;
  t.commit({ message: "init", files: Object.fromEntries(FILES.map((f) => [f, "v: 0\n"])), date: day(1) });
  for (let i = 0; i < 24; i++) {
    const first = FILES[(i * 3) % FILES.length]!;
    const second = i % 4 === 0 ? FILES[(i * 7 + 1) % FILES.length]! : null;
    n++;
    t.commit({ message: `change ${n}`, files: { [first]: `v: ${n}\n`, ...(second ? { [second]: `w: ${n}\n` } : {}) }, date: day(2 + ((i * 5) % 20)) });
    if (i === 10) {
      t.git("checkout", "--quiet", "-b", "side");
      t.commit({ message: "side 1", files: { "apps/a/prod/x.yaml": "side: 1\n" }, date: day(25) });
      t.commit({ message: "side 2", files: { "apps/b/dev/x.yaml": "side: 2\n" }, date: day(26) });
      t.git("checkout", "--quiet", "main");
      t.git("-c", "user.name=t", "-c", "user.email=t@t", "merge", "--quiet", "--no-ff", "-m", "Merge side", "side");
    }
  }
  repo = new GitRepository({ name: "walk", url: t.dir });
});

afterAll(() => t.remove());

describe("commitsByPath", () => {
  it.each([1, 3, 50])("answers for every path what a first-parent log of that path answers (limit %i)", async (limit) => {
    const walked = await repo.commitsByPath("main", PATHS, limit);
    for (const path of PATHS) {
      const logged = await repo.log({ ref: "main", paths: [path], limit, firstParent: true });
      expect((walked.get(path) ?? []).map((c) => c.sha), path || "(root)").toEqual(logged.map((c) => c.sha));
    }
    expect(walked.has("never/there")).toBe(false);
  });

  it("keeps lastCommitByPath's answer: the newest commit per path", async () => {
    const last = await repo.lastCommitByPath("main", PATHS);
    const walked = await repo.commitsByPath("main", PATHS, 1);
    for (const path of PATHS) expect(last.get(path)?.sha).toBe(walked.get(path)?.[0]?.sha);
  });
});
