import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiToken } from "@/lib/auth/api-token";
import type { UserActor } from "@/lib/auth/policy";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { createApiTokenAction } from "./create-api-token";
import { revokeApiTokenAction } from "./revoke-api-token";

// The token settings' server actions through the real chain: only admins, plaintext shown once.

const admin: UserActor = { kind: "user", id: "u-admin", name: "Ada Admin", email: "ada@acme.example", role: "ADMIN", teams: [] };
const developer: UserActor = { kind: "user", id: "u-dev", name: "Dev Eloper", email: "dev@acme.example", role: "DEVELOPER", teams: ["payments"] };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.team.createMany({ data: [{ name: "payments" }, { name: "identity" }] });
});
afterAll(async () => {
  await db?.drop();
});

describe("API token actions", () => {
  it("an admin creates a token from the form; only its hash is stored and audited", async () => {
    const form = new FormData();
    form.append("name", " payments CI ");
    form.append("teams", "payments");
    form.append("teams", "identity");
    const result = await createApiTokenAction.run(form, { actor: admin, prisma: db.prisma });
    if (!result.ok) throw new Error(result.error);
    expect(result.data).toMatchObject({ name: "payments CI", teams: ["identity", "payments"], token: expect.stringMatching(/^ferry_/) });

    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: result.data.id } });
    expect(row).toMatchObject({ createdById: admin.id, revokedAt: null });
    expect(row.tokenHash).not.toContain(result.data.token);
    const audit = await db.prisma.auditEvent.findMany({ where: { action: "token.create" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(result.data.token);
    expect(await authenticateApiToken(db.prisma, result.data.token)).toMatchObject({ kind: "token", teams: ["identity", "payments"] });
  });

  it("a single checkbox, no team, and an unknown team", async () => {
    const one = await createApiTokenAction.run({ name: "one", teams: "payments" }, { actor: admin, prisma: db.prisma });
    expect(one.ok && one.data.teams).toEqual(["payments"]);
    const none = await createApiTokenAction.run({ name: "none" }, { actor: admin, prisma: db.prisma });
    expect(none).toMatchObject({ ok: false, code: "failed", error: expect.stringContaining("at least one team") });
    const unknown = await createApiTokenAction.run({ name: "x", teams: ["payments", "ghosts"] }, { actor: admin, prisma: db.prisma });
    expect(unknown).toMatchObject({ ok: false, code: "failed", error: "Unknown team: ghosts." });
    const unnamed = await createApiTokenAction.run({ name: "  ", teams: ["payments"] }, { actor: admin, prisma: db.prisma });
    expect(unnamed).toMatchObject({ ok: false, code: "invalid" });
  });

  it("developers may neither create nor revoke tokens", async () => {
    const before = await db.prisma.apiToken.count();
    const created = await createApiTokenAction.run({ name: "mine", teams: ["payments"] }, { actor: developer, prisma: db.prisma });
    expect(created).toMatchObject({ ok: false, code: "forbidden", error: expect.stringContaining("only platform admins") });
    const anyToken = await db.prisma.apiToken.findFirstOrThrow();
    const revoked = await revokeApiTokenAction.run({ id: anyToken.id }, { actor: developer, prisma: db.prisma });
    expect(revoked).toMatchObject({ ok: false, code: "forbidden" });
    expect(await db.prisma.apiToken.count()).toBe(before);
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: anyToken.id } })).revokedAt).toBeNull();
  });

  it("revoking stops the token at once; revoking twice says so", async () => {
    const created = await createApiTokenAction.run({ name: "short-lived", teams: ["payments"] }, { actor: admin, prisma: db.prisma });
    if (!created.ok) throw new Error(created.error);
    expect(await revokeApiTokenAction.run({ id: String(created.data.id) }, { actor: admin, prisma: db.prisma })).toEqual({ ok: true, data: { id: created.data.id } });
    expect(await authenticateApiToken(db.prisma, created.data.token)).toBeNull();
    const again = await revokeApiTokenAction.run({ id: created.data.id }, { actor: admin, prisma: db.prisma });
    expect(again).toMatchObject({ ok: false, code: "failed", error: expect.stringContaining("already revoked") });
  });
});
