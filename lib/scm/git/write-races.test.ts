// Deterministic races: both writers are held after reading the current state and before publishing,
// so each test exercises the compare-and-swap itself instead of hoping the scheduler interleaves them.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryChangeRequestStore } from "../change-request-store";
import { ConflictError, StaleBaseError } from "../errors";
import { gitEnv } from "./git-env";
import { GitRepository } from "./git-repository";
import { TestRepo } from "./test-repo";

/** When set, every call waits here until `size` calls have arrived. */
const gate: { size: number; arrived: number; open: (() => void) | null; opened: Promise<void> | null } = { size: 0, arrived: 0, open: null, opened: null };
async function passGate(): Promise<void> {
  if (gate.size === 0) return;
  gate.opened ??= new Promise((resolve) => (gate.open = resolve));
  gate.arrived += 1;
  if (gate.arrived >= gate.size) gate.open?.();
  await gate.opened;
}
function holdUntil(size: number): void {
  Object.assign(gate, { size, arrived: 0, open: null, opened: null });
}

vi.mock("./merge", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./merge")>();
  return { ...actual, planMerge: vi.fn(async (...args: Parameters<typeof actual.planMerge>) => {
    const plan = await actual.planMerge(...args);
    await passGate();
    return plan;
  }) };
});
vi.mock("./commit-changes", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./commit-changes")>();
  return { ...actual, commitChanges: vi.fn(async (...args: Parameters<typeof actual.commitChanges>) => {
    const sha = await actual.commitChanges(...args);
    await passGate();
    return sha;
  }) };
});

const alice = { name: "Alice", email: "alice@example.com" };
const cleanups: Array<() => void> = [];
afterEach(() => {
  holdUntil(0);
  while (cleanups.length) cleanups.pop()?.();
});

type Kind = "checked-out working tree" | "bare repository" | "file:// remote";

function setup(kind: Kind) {
  const src = TestRepo.create();
  src.git("config", "receive.denyCurrentBranch", "updateInstead");
  const base = src.commit({ message: "Initial", files: { "a.txt": "a\n", "b.txt": "b\n" } });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-race-"));
  cleanups.push(() => {
    src.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  let gitDir = path.join(src.dir, ".git");
  let url = src.dir;
  if (kind !== "checked-out working tree") {
    gitDir = path.join(tmp, "remote.git");
    execFileSync("git", ["clone", "--quiet", "--bare", src.dir, gitDir], { env: gitEnv() });
    url = kind === "bare repository" ? gitDir : `file://${gitDir}`;
  }
  const repo = new GitRepository({ name: "race", url, cacheDir: path.join(tmp, "cache"), changeRequests: new MemoryChangeRequestStore() });
  const git = (...args: string[]) => execFileSync("git", [`--git-dir=${gitDir}`, ...args], { env: gitEnv(), encoding: "utf8" }).trim();
  return { src, repo, base, git };
}

describe.each<Kind>(["checked-out working tree", "bare repository", "file:// remote"])("racing writers on a %s", (kind) => {
  it("two creations of the same new branch: exactly one succeeds, the other gets ConflictError", async () => {
    const { repo, base, git } = setup(kind);
    holdUntil(2);
    const attempt = (n: number) => repo.createBranchWithCommit({ baseSha: base, branch: "ferry/same", message: `${n}`, author: alice, changes: [{ path: "a.txt", content: `${n}\n` }] });
    const results = await Promise.allSettled([attempt(1), attempt(2)]);
    const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.commitSha] : []));
    const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(ConflictError);
    expect((lost[0] as Error).message).toMatch(/already exists/);
    expect(git("rev-parse", "refs/heads/ferry/same")).toBe(won[0]);
  });

  it("two merges planned on the same base: one wins, the other sees StaleBaseError and nothing is lost", async () => {
    const { src, repo, base, git } = setup(kind);
    const open = async (branch: string, file: string) => {
      await repo.createBranchWithCommit({ baseSha: base, branch, message: branch, author: alice, changes: [{ path: file, content: `${branch}\n` }] });
      return repo.openChangeRequest({ headBranch: branch, baseBranch: "main", title: branch, body: "" });
    };
    const a = await open("pa", "a.txt");
    const b = await open("pb", "b.txt");
    holdUntil(2);
    const results = await Promise.allSettled([repo.mergeChangeRequest(a.number), repo.mergeChangeRequest(b.number)]);
    holdUntil(0);
    const winner = results.findIndex((r) => r.status === "fulfilled");
    const loser = results.find((r) => r.status === "rejected");
    expect(winner).toBeGreaterThanOrEqual(0);
    expect(loser?.status === "rejected" ? loser.reason : null, String(loser?.status === "rejected" && loser.reason)).toBeInstanceOf(StaleBaseError);
    const winning = [a, b][winner];
    expect(git("rev-parse", "main")).toBe(winning?.headSha);
    expect((await repo.getChangeRequest([a, b][1 - winner]?.number ?? 0)).state).toBe("open");
    if (kind === "checked-out working tree") {
      expect(src.git("status", "--porcelain")).toBe("");
      expect(fs.readFileSync(path.join(src.dir, winner === 0 ? "a.txt" : "b.txt"), "utf8")).toBe(winner === 0 ? "pa\n" : "pb\n");
    }
    // The loser merges once it is retried on the new base.
    const retried = await repo.mergeChangeRequest([a, b][1 - winner]?.number ?? 0);
    expect(git("rev-parse", "main")).toBe(retried.mergeCommitSha);
    expect(git("show", "main:a.txt")).toBe("pa");
    expect(git("show", "main:b.txt")).toBe("pb");
  });
});
