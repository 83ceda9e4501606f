import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { seedDemoUsers } from "./demo-users";
import { handleSignInCallback } from "./sign-in-callback";
import { startOidcSignIn } from "./oidc-sign-in";
import type { PendingSignIn } from "./pending-sign-in";
import { authorize } from "./policy";
import { findRedirectSignIn, type RedirectSignIn } from "./redirect-sign-in";
import { createSessionRecord, getUserForSessionToken } from "./session-store";
import { signInSettings, type OidcSettings } from "./sign-in-config";
import { startOidcTestProvider, type OidcTestProvider } from "./testing/oidc-test-provider";
import { walkOidcLogin } from "./testing/walk-sign-in";

// The callback against a real OpenID provider (oidc-provider in this process) and a real Postgres:
// the browser's part (provider login page, redirects, cookies) is walked with fetch.

const REDIRECT = "http://ferry.test/signin/oidc/callback";
let db: TestDatabase;
let idp: OidcTestProvider;
let settings: OidcSettings;
let provider: RedirectSignIn;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoUsers(db.prisma);
  idp = await startOidcTestProvider({
    clientId: "ferry",
    clientSecret: "test-secret",
    redirectUris: [REDIRECT],
    accounts: [
      { id: "pat", name: "Pat Payments", email: "pat@acme.test", groups: ["payments-devs", "everyone"] },
      { id: "ada", name: "Ada Admin", email: "ada@acme.test", groups: ["/platform-admins"] },
      { id: "nel", name: "Nel Nobody", email: "nel@acme.test", groups: ["everyone"] },
      { id: "dup", name: "Dana Again", email: "dana@ferry.example", groups: [] },
    ],
  });
  dir = mkdtempSync(path.join(os.tmpdir(), "ferry-oidc-"));
  writePolicy("g, oidc:platform-admins, role:admin\ng, oidc:payments-devs, team:payments\n");
  env = { FERRY_AUTH: "oidc", FERRY_OIDC_ISSUER: idp.issuer, FERRY_OIDC_CLIENT_ID: "ferry", FERRY_OIDC_CLIENT_SECRET: "test-secret", FERRY_PUBLIC_URL: "http://ferry.test", FERRY_POLICY_FILE: path.join(dir, "policy.csv") };
  settings = signInSettings(env).oidc!;
  provider = findRedirectSignIn(signInSettings(env), "oidc")!;
});
afterAll(async () => {
  await idp?.close();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function writePolicy(text: string): void {
  writeFileSync(path.join(dir, "policy.csv"), text);
}

/** Starts a sign-in and plays the browser through the provider's login as `login`: the callback URL it lands on. */
async function signInAtProvider(login: string, next = "/"): Promise<{ callback: URL; pending: PendingSignIn }> {
  const { url, pending } = await startOidcSignIn(settings, next);
  return { callback: await walkOidcLogin(idp.issuer, url, login, REDIRECT), pending };
}

const memberships = async (userId: string) =>
  (await db.prisma.teamMember.findMany({ where: { userId }, include: { team: true } })).map((m) => m.team.name).sort();

describe("OpenID Connect callback", () => {
  it("signs a person in with their groups mapped to a team, keeps why, and the session carries the team", async () => {
    const { callback, pending } = await signInAtProvider("pat", "/apps/checkout");
    expect(callback.searchParams.get("state")).toBe(pending.state);
    const result = await handleSignInCallback(db.prisma, provider, callback, pending, env);
    expect(result).toMatchObject({ ok: true, userId: "oidc:pat", next: "/apps/checkout", access: { role: "DEVELOPER", teams: ["payments"] } });
    const user = await db.prisma.user.findUniqueOrThrow({ where: { id: "oidc:pat" } });
    expect(user).toMatchObject({ name: "Pat Payments", email: "pat@acme.test", role: "DEVELOPER", provider: "oidc", groups: ["oidc:everyone", "oidc:payments-devs"] });
    expect(user.grants).toEqual([{ grant: "team:payments", group: "oidc:payments-devs", line: 2, rule: "g, oidc:payments-devs, team:payments" }]);
    expect(user.lastSignInAt).toBeInstanceOf(Date);

    const { token } = await createSessionRecord(db.prisma, "oidc:pat");
    const actor = await getUserForSessionToken(db.prisma, token);
    expect(actor).toMatchObject({ id: "oidc:pat", role: "DEVELOPER", teams: ["payments"] });
    expect(authorize(actor, "deployment.promote", { team: "payments", env: "staging" })).toEqual({ allowed: true });
    expect(authorize(actor, "deployment.promote", { team: "search", env: "staging" })).toMatchObject({ allowed: false });

    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "session.signin", actorId: "oidc:pat" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ result: "ok", message: "Pat Payments signed in (single sign-on) as developer of payments: team:payments from oidc:payments-devs (line 2)" });
  });

  it("reads the policy file afresh at every sign-in: a changed mapping replaces the old teams", async () => {
    writePolicy("g, oidc:platform-admins, role:admin\ng, oidc:everyone, team:search\n");
    try {
      const { callback, pending } = await signInAtProvider("pat");
      const result = await handleSignInCallback(db.prisma, provider, callback, pending, env);
      expect(result).toMatchObject({ ok: true, access: { role: "DEVELOPER", teams: ["search"] } });
      expect(await memberships("oidc:pat")).toEqual(["search"]);
    } finally {
      writePolicy("g, oidc:platform-admins, role:admin\ng, oidc:payments-devs, team:payments\n");
    }
  });

  it("makes a member of the admins' group (a Keycloak group path) a platform admin", async () => {
    const { callback, pending } = await signInAtProvider("ada");
    const result = await handleSignInCallback(db.prisma, provider, callback, pending, env);
    expect(result).toMatchObject({ ok: true, userId: "oidc:ada", access: { role: "ADMIN", teams: [] } });
    expect(authorize((await getUserForSessionToken(db.prisma, (await createSessionRecord(db.prisma, "oidc:ada")).token))!, "token.manage")).toEqual({ allowed: true });
  });

  it("lets a person with no mapped group in as a viewer of no team, who may change nothing", async () => {
    const { callback, pending } = await signInAtProvider("nel");
    const result = await handleSignInCallback(db.prisma, provider, callback, pending, env);
    expect(result).toMatchObject({ ok: true, access: { role: "VIEWER", teams: [], because: [] } });
    const actor = (await getUserForSessionToken(db.prisma, (await createSessionRecord(db.prisma, "oidc:nel")).token))!;
    expect(actor).toMatchObject({ role: "VIEWER", teams: [] });
    for (const action of ["deployment.promote", "change.merge", "app.create", "repository.sync"] as const) {
      expect(authorize(actor, action, { team: "payments", env: "staging" }).allowed).toBe(false);
    }
    expect(authorize(actor, "repository.read").allowed).toBe(true);
  });

  it("refuses a callback whose state is not the one this browser started, and writes no user", async () => {
    const { callback, pending } = await signInAtProvider("nel");
    const before = await db.prisma.user.count();
    const result = await handleSignInCallback(db.prisma, provider, callback, { ...pending, state: "someone-elses-state" }, env);
    expect(result).toEqual({ ok: false, error: "failed" });
    expect(await db.prisma.user.count()).toBe(before);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "session.signin", result: "denied" }, orderBy: { id: "desc" } });
    expect(audit.message).toMatch(/^Sign-in with single sign-on refused: the code exchange failed: .*state/);
  });

  it("refuses a PKCE verifier that is not the one sent, and a code used twice", async () => {
    const wrongVerifier = await signInAtProvider("pat");
    expect(await handleSignInCallback(db.prisma, provider, wrongVerifier.callback, { ...wrongVerifier.pending, verifier: "x".repeat(43) }, env)).toEqual({ ok: false, error: "failed" });

    const { callback, pending } = await signInAtProvider("pat");
    expect(await handleSignInCallback(db.prisma, provider, callback, pending, env)).toMatchObject({ ok: true });
    expect(await handleSignInCallback(db.prisma, provider, callback, pending, env)).toEqual({ ok: false, error: "failed" });
  });

  it("refuses a callback with no sign-in started in this browser", async () => {
    const { callback } = await signInAtProvider("pat");
    expect(await handleSignInCallback(db.prisma, provider, callback, null, env)).toEqual({ ok: false, error: "expired" });
  });

  it("refuses the provider's error answer", async () => {
    const { pending } = await startOidcSignIn(settings, "/");
    const callback = new URL(`${REDIRECT}?error=access_denied&error_description=no&state=${pending.state}`);
    expect(await handleSignInCallback(db.prisma, provider, callback, pending, env)).toEqual({ ok: false, error: "failed" });
  });

  it("never takes over another user's account by e-mail (a demo user's here)", async () => {
    const { callback, pending } = await signInAtProvider("dup");
    expect(await handleSignInCallback(db.prisma, provider, callback, pending, env)).toEqual({ ok: false, error: "email-taken" });
    expect(await db.prisma.user.findUnique({ where: { id: "oidc:dup" } })).toBeNull();
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: "dana" } })).toMatchObject({ role: "DEVELOPER", provider: null });
  });
});
