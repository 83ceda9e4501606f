import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import type { NewChangeRequestRecord } from "@/lib/scm/change-request-store";
import { ConflictError, InvalidInputError, RefNotFoundError } from "@/lib/scm/errors";
import { GitRepository } from "@/lib/scm/git";
import { TestRepo } from "@/lib/scm/git/test-repo";
import { PrismaChangeRequestStore } from "./prisma-change-request-store";

const SHA = "a".repeat(40);

function input(repository: string, headBranch: string, extra: Partial<NewChangeRequestRecord> = {}): NewChangeRequestRecord {
  return { repository, headBranch, baseBranch: "main", title: `Promote ${headBranch}`, body: "body", state: "open", baseSha: SHA, headSha: SHA, ...extra };
}

describe("PrismaChangeRequestStore", () => {
  let db: TestDatabase;
  let store: PrismaChangeRequestStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PrismaChangeRequestStore(db.prisma);
    for (const name of ["alpha", "beta", "race", "states", "e2e"]) {
      await db.prisma.repository.create({ data: { name, provider: "git", url: `/tmp/${name}`, defaultBranch: "main" } });
    }
  });
  afterAll(async () => db.drop());

  it("numbers change requests per repository and maps the row back", async () => {
    const a1 = await store.create(input("alpha", "ferry/a", { author: "u-alice", state: "draft" }));
    const a2 = await store.create(input("alpha", "ferry/b"));
    const b1 = await store.create(input("beta", "ferry/a"));
    expect([a1.number, a2.number, b1.number]).toEqual([1, 2, 1]);
    expect(a1).toMatchObject({ repository: "alpha", state: "draft", headBranch: "ferry/a", baseBranch: "main", author: "u-alice", headSha: SHA, mergeCommitSha: null, labels: [] });
    const row = await db.prisma.changeRequest.findFirstOrThrow({ where: { number: 1, repository: { name: "alpha" } } });
    expect(row).toMatchObject({ kind: "PROMOTION", state: "DRAFT", branch: "ferry/a", authorId: "u-alice", changeSet: [] });
    expect((await store.get("alpha", 2))?.headBranch).toBe("ferry/b");
    expect(await store.get("alpha", 3)).toBeNull();
  });

  it("refuses a second open change request for the same branch, an unknown repository and a non-default base", async () => {
    await expect(store.create(input("alpha", "ferry/a"))).rejects.toBeInstanceOf(ConflictError);
    await expect(store.create(input("nope", "x"))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.create(input("alpha", "x", { baseBranch: "release" }))).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("allocates unique, gapless numbers under concurrency, and one open record per branch", async () => {
    const many = await Promise.all(Array.from({ length: 25 }, (_, i) => store.create(input("race", `branch-${i}`))));
    expect(many.map((r) => r.number).sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const same = await Promise.allSettled(Array.from({ length: 8 }, () => store.create(input("race", "same"))));
    expect(same.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of same) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConflictError);
    expect(await db.prisma.changeRequest.count({ where: { repository: { name: "race" }, branch: "same" } })).toBe(1);
  });

  it("updates, finds by branch, and moves state once (compare-and-swap)", async () => {
    const cr = await store.create(input("states", "p"));
    expect((await store.update("states", cr.number, { title: "New", headSha: "b".repeat(40) })).title).toBe("New");
    await expect(store.update("states", 99, { title: "x" })).rejects.toBeInstanceOf(RefNotFoundError);
    expect((await store.findOpenByBranch("states", "p"))?.number).toBe(cr.number);

    const racing = await Promise.allSettled([
      store.setState("states", cr.number, { state: "merged", mergeCommitSha: "c".repeat(40), headSha: "b".repeat(40) }),
      store.setState("states", cr.number, { state: "closed" }),
    ]);
    expect(racing.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = racing.find((r) => r.status === "rejected");
    expect(lost?.status === "rejected" && lost.reason).toBeInstanceOf(ConflictError);
    const final = await store.get("states", cr.number);
    expect(final?.state === "merged" ? final.mergedAt : final?.closedAt).toBeInstanceOf(Date);
    if (final?.state === "merged") expect(final.mergeCommitSha).toBe("c".repeat(40));

    expect(await store.findOpenByBranch("states", "p")).toBeNull();
    expect((await store.findLatestByBranch("states", "p"))?.number).toBe(cr.number);
    const reopened = await store.create(input("states", "p"));
    expect(reopened.number).toBe(cr.number + 1);
    expect((await store.findLatestByBranch("states", "p"))?.number).toBe(reopened.number);
    await expect(store.setState("states", 99, { state: "closed" })).rejects.toBeInstanceOf(RefNotFoundError);
  });

  it("backs the git provider: open, merge and close are recorded in the table", async () => {
    const src = TestRepo.create();
    try {
      const base = src.commit({ message: "Initial", files: { "a.txt": "a\n" } });
      await db.prisma.repository.update({ where: { name: "e2e" }, data: { url: src.dir } });
      const repo = new GitRepository({ name: "e2e", url: src.dir, changeRequests: store });
      await repo.createBranchWithCommit({ baseSha: base, branch: "ferry/p", message: "p", author: { name: "A", email: "a@x" }, changes: [{ path: "a.txt", content: "A\n" }] });
      const cr = await repo.openChangeRequest({ headBranch: "ferry/p", baseBranch: "main", title: "Promote", body: "", author: "u-alice" });
      expect(cr).toMatchObject({ number: 1, state: "open", mergeable: true });
      src.commit({ message: "elsewhere", files: { "b.txt": "b\n" } });
      // Unrelated checked-out main without updateInstead: the merge is refused, not forced.
      await expect(repo.mergeChangeRequest(cr.number)).rejects.toBeInstanceOf(ConflictError);
      src.git("config", "receive.denyCurrentBranch", "updateInstead");
      const merged = await repo.mergeChangeRequest(cr.number, { expectedHeadSha: cr.headSha });
      expect(src.git("rev-parse", "main").trim()).toBe(merged.mergeCommitSha);
      const row = await db.prisma.changeRequest.findFirstOrThrow({ where: { repository: { name: "e2e" }, number: 1 } });
      // The reviewed head and the merge commit are both kept (the merge commit used to overwrite headSha).
      expect(row).toMatchObject({ state: "MERGED", headSha: cr.headSha, mergeCommitSha: merged.mergeCommitSha, baseSha: base });
      expect(row.mergedAt).toBeInstanceOf(Date);

      await repo.createBranchWithCommit({ baseSha: base, branch: "ferry/q", message: "q", author: { name: "A", email: "a@x" }, changes: [{ path: "q.txt", content: "q\n" }] });
      const q = await repo.openChangeRequest({ headBranch: "ferry/q", baseBranch: "main", title: "Q", body: "" });
      await repo.closeChangeRequest(q.number, { deleteBranch: true });
      expect(await db.prisma.changeRequest.findFirstOrThrow({ where: { repository: { name: "e2e" }, number: q.number } })).toMatchObject({ state: "CLOSED", closedAt: expect.any(Date) });
      expect(src.git("branch", "--list", "ferry/q")).toBe("");
    } finally {
      src.remove();
    }
  });
});
