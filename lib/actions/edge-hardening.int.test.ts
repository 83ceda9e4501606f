import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-token";
import type { UserActor } from "@/lib/auth/policy";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { createSessionRecord } from "@/lib/auth/session-store";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { mergeChangeAction } from "./changes/review-change";
import { createApiTokenAction } from "./tokens/create-api-token";
import { revokeApiTokenAction } from "./tokens/revoke-api-token";

// Bad input and untrusted requests at the edges, through the real actions and route handlers on real
// Postgres: what Postgres cannot hold is refused before it gets there, with a message; an expired API
// token is told so; cookie-authenticated writes and sign-out need the portal's own origin.

let db: TestDatabase;
let prisma: PrismaClient;
let routes: {
  sync: typeof import("@/app/api/v1/repositories/[name]/sync/route");
  changes: typeof import("@/app/api/v1/changes/route");
  promotions: typeof import("@/app/api/v1/promotions/route");
  tenants: typeof import("@/app/api/v1/tenants/route");
  signout: typeof import("@/app/signout/route");
};

const alex: UserActor = { kind: "user", id: "alex", name: "Alex Admin", email: "alex@acme.example", role: "ADMIN", teams: [] };
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  await prisma.user.create({ data: { id: alex.id, name: alex.name, email: alex.email, role: "ADMIN" } });
  await prisma.team.create({ data: { name: "payments" } });
  routes = {
    sync: await import("@/app/api/v1/repositories/[name]/sync/route"),
    changes: await import("@/app/api/v1/changes/route"),
    promotions: await import("@/app/api/v1/promotions/route"),
    tenants: await import("@/app/api/v1/tenants/route"),
    signout: await import("@/app/signout/route"),
  };
}, 120_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
});

async function bearer(): Promise<string> {
  return (await createApiToken(prisma, { name: "payments CI", teams: ["payments"], createdById: alex.id })).token;
}

async function sessionCookie(): Promise<string> {
  const { token } = await createSessionRecord(prisma, alex.id);
  return `${SESSION_COOKIE}=${token}`;
}

describe("NUL bytes and ids beyond int4 are refused before Postgres", () => {
  it("a NUL in a form field: 'invalid' naming the field, and nothing written", async () => {
    const result = await createApiTokenAction.run({ name: "ci\u0000bot", teams: ["payments"] }, { actor: alex, prisma });
    expect(result).toEqual({ ok: false, code: "invalid", error: "Invalid input: name: must not contain NUL bytes", fieldErrors: { name: ["must not contain NUL bytes"] } });
    expect(await prisma.apiToken.count({ where: { name: { startsWith: "ci" } } })).toBe(0);
  });

  it("a NUL in a route parameter or a JSON body: 400 with the message", async () => {
    const token = await bearer();
    const sync = await routes.sync.POST(new Request("http://ferry.test/api/v1/repositories/x%00y/sync", { method: "POST", headers: { authorization: `Bearer ${token}` } }), {
      params: Promise.resolve({ name: "x\u0000y" }),
    });
    expect(sync.status).toBe(400);
    expect(await sync.json()).toMatchObject({ ok: false, code: "invalid", error: "Invalid input: repository: must not contain NUL bytes" });

    const tenant = await routes.tenants.POST(
      new Request("http://ferry.test/api/v1/tenants", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ repository: "platform", name: "billing", displayName: "Bil\u0000ling", owners: "a", environments: [], apps: { repository: "p", path: "x" } }),
      }),
    );
    expect(tenant.status).toBe(400);
    expect(await tenant.json()).toMatchObject({ error: "Invalid input: displayName: must not contain NUL bytes" });
  });

  it("an id above 2^31-1: 'invalid' saying the limit", async () => {
    for (const run of [
      () => revokeApiTokenAction.run({ id: "2147483648" }, { actor: alex, prisma }),
      () => mergeChangeAction.run({ id: 2 ** 31, headSha: "", planDigest: "0".repeat(64) }, { actor: alex, prisma }),
    ]) {
      expect(await run()).toMatchObject({ ok: false, code: "invalid", error: "Invalid input: id: must be at most 2147483647" });
    }
    expect(await revokeApiTokenAction.run({ id: 2147483647 }, { actor: alex, prisma })).toMatchObject({ ok: false, code: "failed", error: "Token #2147483647 does not exist or is already revoked." });
  });
});

describe("API tokens expire", () => {
  it("a new token lives FERRY_API_TOKEN_DAYS (default 90) or the days asked for", async () => {
    const before = Date.now();
    const standard = await createApiTokenAction.run({ name: "standard", teams: ["payments"] }, { actor: alex, prisma });
    const short = await createApiTokenAction.run({ name: "short", teams: ["payments"], days: "7" }, { actor: alex, prisma });
    if (!standard.ok || !short.ok) throw new Error("tokens not created");
    expect(standard.data.expiresAt.getTime() - before).toBeGreaterThanOrEqual(90 * DAY);
    expect(standard.data.expiresAt.getTime() - before).toBeLessThan(90 * DAY + 60_000);
    expect(Math.round((short.data.expiresAt.getTime() - before) / DAY)).toBe(7);
    expect(await createApiTokenAction.run({ name: "forever", teams: ["payments"], days: "100000" }, { actor: alex, prisma })).toMatchObject({ ok: false, code: "invalid", error: "Invalid input: days: at most 3650 days" });
  });

  it("an expired token is answered 401 saying it expired, on reads and writes", async () => {
    const { token } = await createApiToken(prisma, { name: "old CI", teams: ["payments"], createdById: alex.id, days: 1 }, new Date(Date.now() - 2 * DAY));
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const read = await routes.changes.GET(new Request("http://ferry.test/api/v1/changes", { headers }));
    expect(read.status).toBe(401);
    expect((await read.json()).error).toMatch(/^API token "old CI" expired on \d{4}-\d{2}-\d{2}: an admin can create a new one/);
    const write = await routes.promotions.POST(new Request("http://ferry.test/api/v1/promotions", { method: "POST", headers, body: JSON.stringify({ repository: "r", app: "a", from: "dev", to: "staging" }) }));
    expect(write.status).toBe(401);
    expect((await write.json()).error).toMatch(/expired on/);
  });
});

describe("cookie-authenticated writes and sign-out come from the portal's own origin", () => {
  it("a forged X-Forwarded-Host does not make another site's request same-origin", async () => {
    const cookie = await sessionCookie();
    const forged = await routes.sync.POST(
      new Request("http://ferry.test/api/v1/repositories/nothing/sync", { method: "POST", headers: { cookie, host: "ferry.test", origin: "https://evil.example", "x-forwarded-host": "evil.example" } }),
      { params: Promise.resolve({ name: "nothing" }) },
    );
    expect(forged.status).toBe(401);
    const own = await routes.sync.POST(new Request("http://ferry.test/api/v1/repositories/nothing/sync", { method: "POST", headers: { cookie, host: "ferry.test", origin: "http://ferry.test" } }), {
      params: Promise.resolve({ name: "nothing" }),
    });
    expect(own.status).not.toBe(401);
  });

  it("POST /signout from another site is refused and the session stays; from the portal it ends", async () => {
    const cookie = await sessionCookie();
    const token = cookie.split("=")[1]!;
    const count = () => prisma.session.count({ where: { userId: alex.id } });
    const before = await count();
    const crossSite = await routes.signout.POST(new NextRequest("http://ferry.test/signout", { method: "POST", headers: { cookie, host: "ferry.test", origin: "https://evil.example", "sec-fetch-site": "cross-site" } }));
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: expect.stringContaining("Sign-out must come from Ferry's own pages") });
    expect(await count()).toBe(before);
    const own = await routes.signout.POST(new NextRequest("http://ferry.test/signout", { method: "POST", headers: { cookie, host: "ferry.test", origin: "http://ferry.test", "sec-fetch-site": "same-origin" } }));
    expect(own.status).toBe(303);
    expect(await count()).toBe(before - 1);
    expect(token.length).toBeGreaterThan(0);
  });
});
