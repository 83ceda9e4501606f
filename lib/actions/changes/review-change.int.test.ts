import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorize, type UserActor } from "@/lib/auth/policy";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { changeResource } from "./review-change";

// A merge is judged by every environment the change alters, recorded when it was planned: a change
// labelled "staging" that also moves production (a shared file) needs production's role to merge.

let db: TestDatabase;
let repositoryId: number;

const dana: UserActor = { kind: "user", id: "u-dana", name: "Dana", email: "dana@acme.example", role: "DEVELOPER", teams: ["payments"] };
const alex: UserActor = { kind: "user", id: "u-alex", name: "Alex", email: "alex@acme.example", role: "ADMIN", teams: [] };

async function change(toEnv: string | null, affected: { app: string; env: string }[] | undefined, n: number, appName: string | null = "cache"): Promise<number> {
  const changeSet = { edits: [{ path: "shared/release.yaml", action: "update" }], diff: "", fields: [], skipped: [], notes: [], downgrade: false, ...(affected ? { affected: affected.map((a) => ({ ...a, versions: [] })) } : {}) };
  const row = await db.prisma.changeRequest.create({
    data: { repositoryId, kind: "PROMOTION", number: n, branch: `ferry/promote-cache-${toEnv}-${n}`, baseSha: "a".repeat(40), title: "t", body: "b", authorId: "u-sam", appName, fromEnv: "dev", toEnv, changeSet },
  });
  return row.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const team = await db.prisma.team.create({ data: { name: "payments" } });
  const repo = await db.prisma.repository.create({ data: { name: "platform", provider: "git", url: "/nowhere" } });
  repositoryId = repo.id;
  await db.prisma.app.create({ data: { repositoryId, name: "cache", path: "shared", teamId: team.id } });
  const search = await db.prisma.team.create({ data: { name: "search" } });
  await db.prisma.app.create({ data: { repositoryId, name: "indexer", path: "apps/indexer", teamId: search.id } });
  await db.prisma.app.create({ data: { repositoryId, name: "orphan", path: "apps/orphan" } });
  await db.prisma.environment.createMany({ data: [{ name: "dev", order: 0 }, { name: "staging", order: 1 }, { name: "production", order: 2, protected: true }] });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

describe("merging a change is authorized against everything it alters", () => {
  it("refuses a developer a change labelled staging that also alters protected production", async () => {
    const resource = await changeResource(db.prisma, await change("staging", [{ app: "cache", env: "staging" }, { app: "cache", env: "production" }], 1));
    expect(resource).toMatchObject({ team: "payments", protectedEnv: true, env: "production (altered by this change to staging)" });
    expect(authorize(dana, "change.merge", resource)).toEqual({ allowed: false, reason: "production (altered by this change to staging) is protected: only platform admins may merge into it" });
    expect(authorize(alex, "change.merge", resource)).toEqual({ allowed: true });
  });

  it("lets the team's developer merge a change that alters only unprotected environments", async () => {
    const resource = await changeResource(db.prisma, await change("staging", [{ app: "cache", env: "staging" }], 2));
    expect(resource).toMatchObject({ team: "payments", protectedEnv: false, env: "staging" });
    expect(authorize(dana, "change.merge", resource)).toEqual({ allowed: true });
  });

  it("still protects the labelled target, also for rows stored before the impact was recorded", async () => {
    const resource = await changeResource(db.prisma, await change("production", undefined, 3));
    expect(resource).toMatchObject({ protectedEnv: true, env: "production" });
    expect(authorize(dana, "change.merge", resource).allowed).toBe(false);
  });

  it("judges a change by every team whose app it alters: a shared file that moves another team's app needs that team too", async () => {
    const resource = await changeResource(db.prisma, await change("staging", [{ app: "cache", env: "staging" }, { app: "indexer", env: "staging" }], 4));
    expect(resource).toMatchObject({ team: "payments", teams: ["payments", "search"] });
    expect(authorize(dana, "change.merge", resource)).toEqual({ allowed: false, reason: "Dana is not a member of team search, whose app this change also alters" });
    expect(authorize({ ...dana, teams: ["payments", "search"] }, "change.merge", resource)).toEqual({ allowed: true });
    const orphan = await changeResource(db.prisma, await change("staging", [{ app: "cache", env: "staging" }, { app: "orphan", env: "staging" }], 5));
    expect(authorize({ ...dana, teams: ["payments", "search"] }, "change.merge", orphan).allowed).toBe(false);
    expect(authorize(alex, "change.merge", orphan)).toEqual({ allowed: true });
  });

  it("lets a member of every team merge a bulk promotion across teams (it has no one app), not only admins", async () => {
    const bulk = await changeResource(db.prisma, await change(null, [{ app: "cache", env: "staging" }, { app: "indexer", env: "staging" }], 6, null));
    expect(bulk.teams?.slice().sort()).toEqual(["payments", "search"]);
    expect(authorize({ ...dana, teams: ["payments", "search"] }, "change.merge", bulk)).toEqual({ allowed: true });
    expect(authorize(dana, "change.merge", bulk).allowed).toBe(false);
  });
});
