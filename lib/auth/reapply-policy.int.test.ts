import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { seedDemoUsers } from "./demo-users";
import { upsertExternalUser } from "./external-user";
import { parseGroupPolicy } from "./group-policy";
import { refreshAccessFromPolicyFile } from "./reapply-policy";
import { createSessionRecord, getUserForSessionToken } from "./session-store";
import { loadGroupPolicy } from "./sign-in-config";

// The group policy file applied again, on a schedule, to people who signed in earlier: their open
// sessions see the new role and teams at once, from the groups their provider reported last.

let db: TestDatabase;
let dir: string;
const file = () => path.join(dir, "policy.csv");
const load = () => loadGroupPolicy({ FERRY_POLICY_FILE: file() });

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoUsers(db.prisma);
  dir = mkdtempSync(path.join(os.tmpdir(), "ferry-policy-"));
});
afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("re-applying the group policy", () => {
  it("takes away a team and a role a removed rule gave, in open sessions, and audits who changed", async () => {
    const first = "g, oidc:platform-admins, role:admin\ng, oidc:payments-devs, team:payments\ng, oidc:payments-devs, role:developer\n";
    writeFileSync(file(), first);
    const { userId: pat } = await upsertExternalUser(db.prisma, "oidc", { externalId: "pat", name: "Pat", email: "pat@acme.test", groups: ["oidc:payments-devs"] }, parseGroupPolicy(first));
    const { userId: ada } = await upsertExternalUser(db.prisma, "oidc", { externalId: "ada", name: "Ada", email: "ada@acme.test", groups: ["oidc:platform-admins"] }, parseGroupPolicy(first));
    const { token } = await createSessionRecord(db.prisma, pat);
    expect(await getUserForSessionToken(db.prisma, token)).toMatchObject({ role: "DEVELOPER", teams: ["payments"] });

    // Nothing changed in the file: nothing is written or audited.
    expect((await refreshAccessFromPolicyFile(db.prisma, load))?.changed).toEqual([]);

    writeFileSync(file(), "g, oidc:platform-admins, role:admin\n");
    const result = await refreshAccessFromPolicyFile(db.prisma, load);
    expect(result?.checked).toBe(2);
    expect(result?.changed).toEqual([{ userId: pat, from: { role: "DEVELOPER", teams: ["payments"] }, to: { role: "VIEWER", teams: [] } }]);
    expect(await getUserForSessionToken(db.prisma, token)).toMatchObject({ role: "VIEWER", teams: [] });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: ada } })).role).toBe("ADMIN");
    const audit = await db.prisma.auditEvent.findMany({ where: { action: "user.policy-refresh" } });
    expect(audit.map((a) => [a.resourceId, a.message])).toEqual([[pat, `the group policy now gives ${pat} role viewer and no team (was developer, payments)`]]);

    // Demo users are not the policy's to change.
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: "alex" }, select: { role: true } })).toEqual({ role: "ADMIN" });
    expect((await db.prisma.teamMember.findMany({ where: { userId: "dana" }, select: { team: { select: { name: true } } } })).map((m) => m.team.name)).toEqual(["payments"]);
  });

  it("changes nothing when the file cannot be read, rather than demoting everyone", async () => {
    writeFileSync(file(), "g, oidc:payments-devs, team:payments\n");
    await refreshAccessFromPolicyFile(db.prisma, load);
    const before = await db.prisma.teamMember.count();
    expect(before).toBeGreaterThan(0);
    rmSync(file());
    expect(await refreshAccessFromPolicyFile(db.prisma, load)).toBeNull();
    expect(await db.prisma.teamMember.count()).toBe(before);
  });
});
