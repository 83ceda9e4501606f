import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { authenticateBearer, createApiToken, revokeApiToken } from "@/lib/auth/api-token";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import type { Actor } from "@/lib/auth/policy";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import {
  createSessionRecord,
  deleteSessionRecord,
  getUserForSessionToken,
} from "@/lib/auth/session-store";
import { sha256Hex } from "@/lib/auth/tokens";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { defineAction } from "./action";
import { DomainError } from "./domain-error";
import { getApiActor } from "./http";

// The action chain against a real Postgres: validate → actor → authorize → handler → audit.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoUsers(db.prisma);
});
afterAll(async () => {
  await db?.drop();
});

const calls: string[] = [];
beforeEach(() => {
  calls.length = 0;
});

const PromoteInput = z.object({
  app: z.string().min(1, "Name the app"),
  team: z.string(),
  env: z.string(),
  protectedEnv: z.coerce.boolean().default(false),
  fail: z.enum(["domain", "bug"]).optional(),
  token: z.string().optional(),
});

const promote = defineAction({
  name: "deployment.promote",
  input: PromoteInput,
  permission: (input) => ({
    action: "deployment.promote",
    resource: { team: input.team, env: input.env, protectedEnv: input.protectedEnv },
  }),
  audit: { resourceId: (input) => `${input.app}/${input.env}` },
  handler: async ({ input, user, audit }) => {
    calls.push(`${user.kind}:${user.id}:${input.app}`);
    if (input.fail === "domain") throw new DomainError("The base commit moved: plan again");
    if (input.fail === "bug") throw new TypeError("cannot read properties of undefined (db password hunter2)");
    audit({ details: { changeSet: [{ path: `apps/${input.app}/${input.env}/kustomization.yaml` }] }, link: "https://forge/pr/1" });
    return { promoted: input.app, to: input.env };
  },
});

const manageTokens = defineAction({
  name: "token.create",
  input: z.object({ name: z.string() }),
  permission: () => ({ action: "token.manage" }),
  handler: async ({ input }) => {
    calls.push(`token.create:${input.name}`);
    return input.name;
  },
});

async function userActor(id: string): Promise<Actor> {
  const { token } = await createSessionRecord(db.prisma, id);
  const user = await getUserForSessionToken(db.prisma, token);
  if (!user) throw new Error(`no session user for ${id}`);
  return user;
}

const auditRows = (action: string) =>
  db.prisma.auditEvent.findMany({ where: { action }, orderBy: { id: "asc" } });

describe("defineAction chain", () => {
  it("rejects invalid input with field errors, before asking who acts or running the handler", async () => {
    const actorLookup = vi.fn(async () => userActor("dana"));
    const before = await db.prisma.auditEvent.count();
    const result = await promote.run({ app: "", team: "payments" }, { actor: actorLookup, prisma: db.prisma });
    expect(result).toMatchObject({ ok: false, code: "invalid" });
    if (result.ok) throw new Error("unreachable");
    expect(result.fieldErrors?.app).toEqual(["Name the app"]);
    expect(result.fieldErrors?.env).toHaveLength(1);
    expect(actorLookup).not.toHaveBeenCalled();
    expect(calls).toEqual([]);
    expect(await db.prisma.auditEvent.count()).toBe(before);
  });

  it("asks nobody signed in to sign in first", async () => {
    const result = await promote.run({ app: "checkout", team: "payments", env: "staging" }, { actor: null, prisma: db.prisma });
    expect(result).toEqual({ ok: false, code: "unauthenticated", error: "Sign in first" });
    expect(calls).toEqual([]);
  });

  it("refuses a viewer with the policy's reason and records a denied AuditEvent", async () => {
    const vic = await userActor("vic");
    const result = await promote.run({ app: "checkout", team: "payments", env: "staging" }, { actor: vic, prisma: db.prisma });
    expect(result).toEqual({ ok: false, code: "forbidden", error: "Vic Viewer is a viewer and cannot promote" });
    expect(calls).toEqual([]);
    const row = (await auditRows("deployment.promote")).find((r) => r.actorId === "vic");
    expect(row).toMatchObject({
      actorKind: "user",
      result: "denied",
      resourceType: "deployment",
      resourceId: "checkout/staging",
      message: "Vic Viewer is a viewer and cannot promote",
    });
    expect(row?.details).toMatchObject({ input: { app: "checkout", env: "staging" }, permission: { action: "deployment.promote" } });
  });

  it("refuses a developer promoting another team's app, but lets them open one into protected production", async () => {
    const dana = await userActor("dana");
    const other = await promote.run({ app: "indexer", team: "search", env: "staging" }, { actor: dana, prisma: db.prisma });
    expect(other).toMatchObject({ ok: false, error: "Dana Developer is not a member of team search" });
    expect(calls).toEqual([]);
    // Opening the change request is the developer's button; merging it into production needs the role.
    const prod = await promote.run(
      { app: "checkout", team: "payments", env: "production", protectedEnv: true },
      { actor: dana, prisma: db.prisma },
    );
    expect(prod.ok).toBe(true);
    expect(calls).toEqual(["user:dana:checkout"]);
  });

  it("runs the handler when allowed and records an ok AuditEvent with the change set", async () => {
    const dana = await userActor("dana");
    const result = await promote.run(
      { app: "checkout", team: "payments", env: "staging", token: "ghp_secret" },
      { actor: dana, prisma: db.prisma },
    );
    expect(result).toEqual({ ok: true, data: { promoted: "checkout", to: "staging" } });
    expect(calls).toEqual(["user:dana:checkout"]);
    const row = (await auditRows("deployment.promote")).find((r) => r.actorId === "dana" && r.result === "ok" && r.resourceId === "checkout/staging");
    expect(row).toMatchObject({ resourceId: "checkout/staging", link: "https://forge/pr/1" });
    expect(row?.details).toEqual({ changeSet: [{ path: "apps/checkout/staging/kustomization.yaml" }] });
  });

  it("lets an admin promote to protected production", async () => {
    const alex = await userActor("alex");
    const result = await promote.run(
      { app: "checkout", team: "payments", env: "production", protectedEnv: "on" },
      { actor: alex, prisma: db.prisma },
    );
    expect(result.ok).toBe(true);
  });

  it("accepts FormData from a progressively enhanced form", async () => {
    const form = new FormData();
    form.set("app", "ledger");
    form.set("team", "payments");
    form.set("env", "staging");
    form.set("$ACTION_ID_abc", "");
    const result = await promote.run(form, { actor: await userActor("dana"), prisma: db.prisma });
    expect(result).toEqual({ ok: true, data: { promoted: "ledger", to: "staging" } });
  });

  it("reports a domain error's message and records it", async () => {
    const result = await promote.run(
      { app: "checkout", team: "payments", env: "staging", fail: "domain" },
      { actor: await userActor("dana"), prisma: db.prisma },
    );
    expect(result).toEqual({ ok: false, code: "failed", error: "The base commit moved: plan again" });
    const rows = await auditRows("deployment.promote");
    expect(rows.at(-1)).toMatchObject({ result: "error", message: "The base commit moved: plan again" });
  });

  it("hides an unexpected error behind an id, logging it server-side, and never stores secrets", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const result = await promote.run(
        { app: "checkout", team: "payments", env: "staging", fail: "bug", token: "ghp_secret" },
        { actor: await userActor("dana"), prisma: db.prisma },
      );
      expect(result).toMatchObject({ ok: false, code: "error" });
      if (result.ok) throw new Error("unreachable");
      expect(result.error).toMatch(/^Something went wrong: [0-9a-f]{8}$/);
      expect(result.error).not.toMatch(/hunter2/);
      const id = result.error.split(": ")[1]!;
      // One structured line at level error with the id the user was shown, the action, and the stack.
      const logged = log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>).filter((line) => line.error_id === id);
      expect(logged).toEqual([
        expect.objectContaining({ level: "error", msg: "unexpected error", action: "deployment.promote", request_id: expect.any(String), error: expect.stringContaining("cannot read properties"), error_stack: expect.stringMatching(/^TypeError: /) }),
      ]);
      const row = (await auditRows("deployment.promote")).at(-1);
      expect(row).toMatchObject({ result: "error", message: result.error });
      expect(JSON.stringify(row?.details)).not.toMatch(/ghp_secret|hunter2/);
      expect(row?.details).toMatchObject({ input: { token: "[redacted]" } });
    } finally {
      log.mockRestore();
    }
  });
});

describe("API tokens through the same chain", () => {
  it("stores only the sha256, authenticates a bearer, updates lastUsedAt, and promotes for its team", async () => {
    const created = await createApiToken(db.prisma, { name: "ci-payments", teams: ["payments"], createdById: "alex" });
    expect(created.token).toMatch(/^ferry_[A-Za-z0-9_-]{43}$/);
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(sha256Hex(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(row.lastUsedAt).toBeNull();

    const request = new Request("http://ferry.test/api/promotions", {
      method: "POST",
      headers: { authorization: `Bearer ${created.token}` },
    });
    const actor = await authenticateBearer(request, db.prisma);
    expect(actor).toEqual({ kind: "token", id: String(created.id), name: "ci-payments", teams: ["payments"] });
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).toBeInstanceOf(Date);

    const ok = await promote.run({ app: "checkout", team: "payments", env: "staging" }, { actor, prisma: db.prisma });
    expect(ok).toEqual({ ok: true, data: { promoted: "checkout", to: "staging" } });
    expect(calls).toEqual([`token:${created.id}:checkout`]);
    const audit = (await auditRows("deployment.promote")).at(-1);
    expect(audit).toMatchObject({ actorKind: "token", actorId: String(created.id), result: "ok" });

    const otherTeam = await promote.run({ app: "indexer", team: "search", env: "staging" }, { actor, prisma: db.prisma });
    expect(otherTeam).toMatchObject({ ok: false, code: "forbidden", error: 'API token "ci-payments" is not a member of team search' });

    const tokens = await manageTokens.run({ name: "another" }, { actor, prisma: db.prisma });
    expect(tokens).toMatchObject({ ok: false, code: "forbidden", error: expect.stringMatching(/cannot manage API tokens/) });
    expect(calls).toEqual([`token:${created.id}:checkout`]);

    expect(await revokeApiToken(db.prisma, created.id)).toBe(true);
    expect(await authenticateBearer(request, db.prisma)).toBeNull();
  });

  it("ignores missing, malformed and unknown bearer tokens", async () => {
    const bearer = (value?: string) =>
      authenticateBearer(new Request("http://ferry.test/api/x", value ? { headers: { authorization: value } } : {}), db.prisma);
    expect(await bearer()).toBeNull();
    expect(await bearer("Basic abc")).toBeNull();
    expect(await bearer("Bearer not-a-ferry-token")).toBeNull();
    expect(await bearer(`Bearer ferry_${"A".repeat(43)}`)).toBeNull();
  });

  it("lets API routes use the session cookie for same-origin browser calls, never a stale bearer", async () => {
    const { token } = await createSessionRecord(db.prisma, "sam");
    const cookie = `other=1; ${SESSION_COOKIE}=${token}`;
    const get = new Request("http://ferry.test/api/x", { headers: { cookie } });
    expect(await getApiActor(get, db.prisma)).toMatchObject({ kind: "user", id: "sam" });
    const crossSite = new Request("http://ferry.test/api/x", {
      method: "POST",
      headers: { cookie, "sec-fetch-site": "cross-site" },
    });
    expect(await getApiActor(crossSite, db.prisma)).toBeNull();
    const sameSite = new Request("http://ferry.test/api/x", {
      method: "POST",
      headers: { cookie, origin: "http://ferry.test", host: "ferry.test" },
    });
    expect(await getApiActor(sameSite, db.prisma)).toMatchObject({ id: "sam" });
    const badBearer = new Request("http://ferry.test/api/x", { headers: { cookie, authorization: "Bearer nope" } });
    expect(await getApiActor(badBearer, db.prisma)).toBeNull();
  });
});

describe("sessions and demo users in the database", () => {
  it("stores sha256(token) as Session.id and resolves the user with sorted teams", async () => {
    const { token, expiresAt } = await createSessionRecord(db.prisma, "sam", new Date("2030-01-01T00:00:00Z"));
    expect(expiresAt.toISOString()).toBe("2030-01-01T12:00:00.000Z");
    expect(await db.prisma.session.findUnique({ where: { id: sha256Hex(token) } })).not.toBeNull();
    expect(await db.prisma.session.findUnique({ where: { id: token } })).toBeNull();

    const user = await getUserForSessionToken(db.prisma, token, new Date("2030-01-01T11:59:00Z"));
    expect(user).toEqual({
      kind: "user",
      id: "sam",
      name: "Sam Searcher",
      email: "sam@ferry.example",
      role: "DEVELOPER",
      teams: ["identity", "search"],
    });
  });

  it("forgets expired sessions and signed-out ones", async () => {
    const { token } = await createSessionRecord(db.prisma, "dana", new Date("2020-01-01T00:00:00Z"));
    expect(await getUserForSessionToken(db.prisma, token, new Date("2020-01-01T12:00:00Z"))).toBeNull();
    expect(await db.prisma.session.findUnique({ where: { id: sha256Hex(token) } })).toBeNull();

    const live = await createSessionRecord(db.prisma, "dana");
    await deleteSessionRecord(db.prisma, live.token);
    expect(await getUserForSessionToken(db.prisma, live.token)).toBeNull();
    expect(await getUserForSessionToken(db.prisma, "garbage")).toBeNull();
    expect(await getUserForSessionToken(db.prisma, undefined)).toBeNull();
  });

  it("seeds demo users idempotently and resets their memberships", async () => {
    const dana = await db.prisma.team.findUniqueOrThrow({ where: { name: "search" } });
    await db.prisma.teamMember.create({ data: { userId: "dana", teamId: dana.id } });
    await seedDemoUsers(db.prisma);
    await seedDemoUsers(db.prisma);
    const members = await db.prisma.teamMember.findMany({ include: { team: true }, orderBy: [{ userId: "asc" }] });
    expect(members.map((m) => `${m.userId}@${m.team.name}`).sort()).toEqual([
      "dana@payments",
      "sam@identity",
      "sam@search",
    ]);
    const roles = await db.prisma.user.findMany({ select: { id: true, role: true }, orderBy: { id: "asc" } });
    expect(roles).toEqual([
      { id: "alex", role: "ADMIN" },
      { id: "dana", role: "DEVELOPER" },
      { id: "sam", role: "DEVELOPER" },
      { id: "vic", role: "VIEWER" },
    ]);
  });
});
