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

async function change(toEnv: string, affected: { app: string; env: string }[] | undefined, n: number): Promise<number> {
  const changeSet = { edits: [{ path: "shared/release.yaml", action: "update" }], diff: "", fields: [], skipped: [], notes: [], downgrade: false, ...(affected ? { affected: affected.map((a) => ({ ...a, versions: [] })) } : {}) };
  const row = await db.prisma.changeRequest.create({
    data: { repositoryId, kind: "PROMOTION", number: n, branch: `ferry/promote-cache-${toEnv}-${n}`, baseSha: "a".repeat(40), title: "t", body: "b", authorId: "u-sam", appName: "cache", fromEnv: "dev", toEnv, changeSet },
  });
  return row.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const team = await db.prisma.team.create({ data: { name: "payments" } });
  const repo = await db.prisma.repository.create({ data: { name: "platform", provider: "git", url: "/nowhere" } });
  repositoryId = repo.id;
  await db.prisma.app.create({ data: { repositoryId, name: "cache", path: "shared", teamId: team.id } });
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
});
