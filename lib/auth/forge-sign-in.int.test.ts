import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { findRedirectSignIn, type RedirectSignIn } from "./redirect-sign-in";
import { handleSignInCallback } from "./sign-in-callback";
import { signInSettings } from "./sign-in-config";
import { walkForgeAuthorize } from "./testing/walk-sign-in";

// Sign-in with GitHub and GitLab against the forge test servers' OAuth endpoints (GitHub's
// /login/oauth/*, GitLab's /oauth/*) and their validated GET /user, /user/teams and /api/v4/user,
// /api/v4/groups, with a real Postgres behind the callback.

const PORTAL = "http://ferry.test";
let db: TestDatabase;
let github: GitHubTestServer;
let gitlab: GitLabTestServer;
let gitlabProvider: RedirectSignIn;
let dir: string;
let env: Record<string, string>;
let provider: RedirectSignIn;

beforeAll(async () => {
  db = await createTestDatabase();
  github = await GitHubTestServer.start({ auth: { kind: "token", token: "repo-token" } });
  github.enableOAuth({ clientId: "Iv1.ferry", clientSecret: "gh-secret", redirectUri: `${PORTAL}/signin/github/callback` }, [
    { id: 101, login: "octopay", name: "Octo Pay", email: "octo@acme.test", teams: [{ org: "acme", slug: "payments" }, { org: "other", slug: "payments" }] },
    { id: 102, login: "lurker", name: "", email: null, teams: [] },
    { id: 103, login: "busy", name: "Busy Bee", email: "busy@acme.test", teams: [...Array.from({ length: 105 }, (_, i) => ({ org: "acme", slug: `team-${i}` })), { org: "acme", slug: "platform" }] },
  ]);
  dir = mkdtempSync(path.join(os.tmpdir(), "ferry-github-signin-"));
  writeFileSync(path.join(dir, "policy.csv"), "g, github:acme/payments, team:payments\ng, github:acme/platform, role:admin\ng, gitlab:acme/payments, team:payments\ng, gitlab:acme/platform/sre, role:admin\n");
  gitlab = await GitLabTestServer.start();
  gitlab.enableOAuth({ clientId: "gl-app", clientSecret: "gl-secret", redirectUri: `${PORTAL}/signin/gitlab/callback` }, [
    { id: 201, login: "gina", name: "Gina GitLab", email: "gina@acme.test", groups: ["acme", "acme/payments"] },
    { id: 202, login: "sre", name: "Sam SRE", email: "sre@acme.test", groups: ["acme", "acme/platform", "acme/platform/sre", ...Array.from({ length: 120 }, (_, i) => `acme/g${i}`)] },
  ]);
  const webUrl = new URL(github.apiUrl).origin;
  env = { FERRY_AUTH: "github", FERRY_GITHUB_OAUTH_CLIENT_ID: "Iv1.ferry", FERRY_GITHUB_OAUTH_CLIENT_SECRET: "gh-secret", FERRY_GITHUB_OAUTH_URL: webUrl, FERRY_PUBLIC_URL: PORTAL, FERRY_POLICY_FILE: path.join(dir, "policy.csv") };
  provider = findRedirectSignIn(signInSettings(env), "github")!;
  gitlabProvider = findRedirectSignIn(signInSettings({ ...env, FERRY_AUTH: "gitlab", FERRY_GITLAB_OAUTH_CLIENT_ID: "gl-app", FERRY_GITLAB_OAUTH_CLIENT_SECRET: "gl-secret", FERRY_GITLAB_URL: gitlab.url }), "gitlab")!;
});
afterAll(async () => {
  await github?.close();
  await gitlab?.close();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Plays the browser through GitHub's authorize page as `login`: the callback URL it is sent to. */
const authorizeAs = (login: string, start: { url: URL }, confirmPath = "/login/oauth/authorize"): Promise<URL> => walkForgeAuthorize(start.url, login, confirmPath);

describe("sign-in with GitHub", () => {
  it("asks for read:org with state and PKCE, maps org/team to a Ferry team, and keeps why", async () => {
    const start = await provider.start("/changes");
    expect(start.url.pathname).toBe("/login/oauth/authorize");
    expect(Object.fromEntries(start.url.searchParams)).toMatchObject({ client_id: "Iv1.ferry", scope: "read:user read:org", redirect_uri: `${PORTAL}/signin/github/callback`, code_challenge_method: "S256", state: start.pending.state });
    const callback = await authorizeAs("octopay", start);
    const result = await handleSignInCallback(db.prisma, provider, callback, start.pending, env);
    expect(result).toMatchObject({ ok: true, userId: "github:101", next: "/changes", access: { role: "DEVELOPER", teams: ["payments"] } });
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: "github:101" } })).toMatchObject({
      name: "Octo Pay",
      email: "octo@acme.test",
      provider: "github",
      groups: ["github:acme/payments", "github:other/payments"],
      grants: [{ grant: "team:payments", group: "github:acme/payments", line: 1, rule: "g, github:acme/payments, team:payments" }],
    });
    expect(github.violations).toEqual([]);
    expect(github.requests.filter((r) => r.operationId === "users/get-authenticated" || r.operationId === "teams/list-for-authenticated-user").map((r) => r.status)).toEqual([200, 200]);
  });

  it("reads every page of teams (more than 100)", async () => {
    const start = await provider.start("/");
    const result = await handleSignInCallback(db.prisma, provider, await authorizeAs("busy", start), start.pending, env);
    expect(result).toMatchObject({ ok: true, access: { role: "ADMIN" } });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: "github:103" } })).groups).toHaveLength(106);
    expect(github.violations).toEqual([]);
  });

  it("lets a user with no team and a private e-mail in as a viewer, named by login", async () => {
    const start = await provider.start("/");
    const result = await handleSignInCallback(db.prisma, provider, await authorizeAs("lurker", start), start.pending, env);
    expect(result).toMatchObject({ ok: true, name: "lurker", access: { role: "VIEWER", teams: [] } });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: "github:102" } })).email).toBe("102+lurker@users.noreply.github.com");
  });

  it("refuses a forged state, a wrong PKCE verifier and a replayed code, writing nobody", async () => {
    const before = await db.prisma.user.count();
    const forged = await provider.start("/");
    const forgedCallback = await authorizeAs("octopay", forged);
    expect(await handleSignInCallback(db.prisma, provider, forgedCallback, { ...forged.pending, state: "not-this-one" }, env)).toEqual({ ok: false, error: "failed" });

    const wrongVerifier = await provider.start("/");
    expect(await handleSignInCallback(db.prisma, provider, await authorizeAs("octopay", wrongVerifier), { ...wrongVerifier.pending, verifier: "v".repeat(43) }, env)).toEqual({ ok: false, error: "failed" });
    expect(await db.prisma.user.count()).toBe(before);

    const used = await provider.start("/");
    const callback = await authorizeAs("octopay", used);
    expect(await handleSignInCallback(db.prisma, provider, callback, used.pending, env)).toMatchObject({ ok: true });
    expect(await handleSignInCallback(db.prisma, provider, callback, used.pending, env)).toEqual({ ok: false, error: "failed" });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "session.signin", result: "denied" }, orderBy: { id: "desc" } });
    expect(audit.message).toMatch(/^Sign-in with GitHub refused: the code exchange failed/);
  });

  it("refuses an app secret GitHub does not accept", async () => {
    const wrong = findRedirectSignIn(signInSettings({ ...env, FERRY_GITHUB_OAUTH_CLIENT_SECRET: "stale" }), "github")!;
    const start = await wrong.start("/");
    expect(await handleSignInCallback(db.prisma, wrong, await authorizeAs("octopay", start), start.pending, env)).toEqual({ ok: false, error: "failed" });
  });
});

describe("sign-in with GitLab (self-managed)", () => {
  it("signs in at <FERRY_GITLAB_URL>/oauth with PKCE, maps group paths (subgroups too) to team and role", async () => {
    const start = await gitlabProvider.start("/");
    expect(start.url.href.startsWith(`${gitlab.url}/oauth/authorize?`)).toBe(true);
    expect(start.url.searchParams.get("scope")).toBe("read_user read_api");
    const result = await handleSignInCallback(db.prisma, gitlabProvider, await authorizeAs("gina", start, "/oauth/authorize"), start.pending, env);
    expect(result).toMatchObject({ ok: true, userId: "gitlab:201", access: { role: "DEVELOPER", teams: ["payments"] } });
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: "gitlab:201" } })).toMatchObject({ provider: "gitlab", email: "gina@acme.test", groups: ["gitlab:acme", "gitlab:acme/payments"] });

    const sre = await gitlabProvider.start("/");
    const admin = await handleSignInCallback(db.prisma, gitlabProvider, await authorizeAs("sre", sre, "/oauth/authorize"), sre.pending, env);
    expect(admin).toMatchObject({ ok: true, access: { role: "ADMIN", because: [{ group: "gitlab:acme/platform/sre", line: 4 }] } });
    // 123 groups: two pages of 100.
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: "gitlab:202" } })).groups).toHaveLength(123);
    expect(gitlab.shapeErrors).toEqual([]);
  });

  it("refuses a replayed code and a wrong verifier", async () => {
    const start = await gitlabProvider.start("/");
    const callback = await authorizeAs("gina", start, "/oauth/authorize");
    expect(await handleSignInCallback(db.prisma, gitlabProvider, callback, { ...start.pending, verifier: "w".repeat(43) }, env)).toEqual({ ok: false, error: "failed" });
    // The failed exchange used the code up, as Doorkeeper does.
    expect(await handleSignInCallback(db.prisma, gitlabProvider, callback, start.pending, env)).toEqual({ ok: false, error: "failed" });
    expect(gitlab.shapeErrors).toEqual([]);
  });
});
