import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import type { OAuthTestApp } from "@/lib/scm/testing/oauth-test-app";
import { refreshAccessFromPolicyFile } from "./reapply-policy";
import { findRedirectSignIn } from "./redirect-sign-in";
import { refreshGroupsFromConfig } from "./refresh-groups";
import { createSessionRecord, getUserForSessionToken } from "./session-store";
import { handleSignInCallback } from "./sign-in-callback";
import { loadGroupPolicy, signInSettings } from "./sign-in-config";
import { startOidcTestProvider, type OidcTestProvider } from "./testing/oidc-test-provider";
import { walkForgeAuthorize, walkOidcLogin } from "./testing/walk-sign-in";
import { openGrant } from "./token-vault";

// The scheduled group refresh against the real providers' test doubles: oidc-provider in this process
// (refresh_token grant, userinfo), the GitHub test server (GET /user/teams, validated against
// @octokit/openapi) and the GitLab test server (refresh_token grant at /oauth/token, GET /groups), with
// a real Postgres. The job is run as the worker runs it (refreshAccessFromPolicyFile with the refresh).

const PORTAL = "http://ferry.test";
const key = randomBytes(32);
let db: TestDatabase;
let idp: OidcTestProvider;
let github: GitHubTestServer;
let gitlab: GitLabTestServer;
let githubApp: OAuthTestApp;
let gitlabApp: OAuthTestApp;
let dir: string;
let env: Record<string, string>;
// Handed to the test servers, which keep these arrays: editing one is the forge admin editing the team.
const octoTeams = [{ org: "acme", slug: "payments" }];
const ginaGroups = ["acme", "acme/payments"];

beforeAll(async () => {
  db = await createTestDatabase();
  idp = await startOidcTestProvider({
    clientId: "ferry",
    clientSecret: "test-secret",
    redirectUris: [`${PORTAL}/signin/oidc/callback`],
    accounts: [
      { id: "pat", name: "Pat Payments", email: "pat@acme.test", groups: ["payments-devs"] },
      { id: "ada", name: "Ada Admin", email: "ada@acme.test", groups: ["platform-admins"] },
      { id: "gone", name: "Gone Soon", email: "gone@acme.test", groups: ["payments-devs"] },
    ],
  });
  github = await GitHubTestServer.start({ auth: { kind: "token", token: "repo-token" } });
  githubApp = github.enableOAuth({ clientId: "Iv1.ferry", clientSecret: "gh-secret", redirectUri: `${PORTAL}/signin/github/callback` }, [
    { id: 101, login: "octopay", name: "Octo Pay", email: "octo@acme.test", teams: octoTeams },
    { id: 102, login: "leaver", name: "Lee Leaver", email: "lee@acme.test", teams: [{ org: "acme", slug: "payments" }] },
  ]);
  gitlab = await GitLabTestServer.start();
  // Tokens that expire within the refresh margin: every run goes through the refresh_token grant.
  gitlabApp = gitlab.enableOAuth({ clientId: "gl-app", clientSecret: "gl-secret", redirectUri: `${PORTAL}/signin/gitlab/callback`, accessTokenSeconds: 30 }, [
    { id: 201, login: "gina", name: "Gina GitLab", email: "gina@acme.test", groups: ginaGroups },
    { id: 202, login: "quitter", name: "Quinn Quitter", email: "quinn@acme.test", groups: ["acme/payments"] },
  ]);
  dir = mkdtempSync(path.join(os.tmpdir(), "ferry-refresh-groups-"));
  writeFileSync(path.join(dir, "policy.csv"), ["g, oidc:payments-devs, team:payments", "g, oidc:platform-admins, role:admin", "g, github:acme/payments, team:payments", "g, gitlab:acme/payments, team:payments", ""].join("\n"));
  env = {
    FERRY_AUTH: "oidc,github,gitlab",
    FERRY_PUBLIC_URL: PORTAL,
    FERRY_POLICY_FILE: path.join(dir, "policy.csv"),
    FERRY_TOKEN_ENCRYPTION_KEY: key.toString("base64"),
    FERRY_OIDC_ISSUER: idp.issuer,
    FERRY_OIDC_CLIENT_ID: "ferry",
    FERRY_OIDC_CLIENT_SECRET: "test-secret",
    FERRY_GITHUB_OAUTH_CLIENT_ID: "Iv1.ferry",
    FERRY_GITHUB_OAUTH_CLIENT_SECRET: "gh-secret",
    FERRY_GITHUB_OAUTH_URL: new URL(github.apiUrl).origin,
    FERRY_GITLAB_OAUTH_CLIENT_ID: "gl-app",
    FERRY_GITLAB_OAUTH_CLIENT_SECRET: "gl-secret",
    FERRY_GITLAB_URL: gitlab.url,
  };
});
afterAll(async () => {
  await idp?.close();
  await github?.close();
  await gitlab?.close();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Signs `login` in through the provider and the real callback; a session of theirs to watch. */
async function signIn(providerId: "oidc" | "github" | "gitlab", login: string): Promise<{ userId: string; token: string }> {
  const provider = findRedirectSignIn(signInSettings(env), providerId)!;
  const start = await provider.start("/");
  const callback =
    providerId === "oidc" ? await walkOidcLogin(idp.issuer, start.url, login, provider.redirectUri) : await walkForgeAuthorize(start.url, login, providerId === "github" ? "/login/oauth/authorize" : "/oauth/authorize");
  const result = await handleSignInCallback(db.prisma, provider, callback, start.pending, env);
  if (!result.ok) throw new Error(`sign-in of ${login} failed: ${result.error}`);
  const { token } = await createSessionRecord(db.prisma, result.userId);
  return { userId: result.userId, token };
}

/** The worker's POLICY_REFRESH job. */
const runJob = () => refreshAccessFromPolicyFile(db.prisma, () => loadGroupPolicy(env), () => refreshGroupsFromConfig(db.prisma, env));
const user = (id: string) => db.prisma.user.findUniqueOrThrow({ where: { id } });
const audits = (action: string, resourceId: string) => db.prisma.auditEvent.findMany({ where: { action, resourceId }, orderBy: { id: "asc" } });

describe("the scheduled group refresh", () => {
  it("keeps the provider's tokens sealed under the key, not in clear", async () => {
    const { userId } = await signIn("oidc", "ada");
    const stored = (await user(userId)).providerGrant!;
    expect(stored).toMatch(/^v1\./);
    const grant = openGrant(key, userId, stored);
    expect(grant.refreshToken).toEqual(expect.any(String));
    expect(stored).not.toContain(grant.refreshToken!);
    expect(stored).not.toContain(grant.accessToken);
  });

  it("OpenID Connect: a group removed at the provider takes the team away at the next run, in open sessions, audited", async () => {
    const { userId, token } = await signIn("oidc", "pat");
    expect(await getUserForSessionToken(db.prisma, token)).toMatchObject({ role: "DEVELOPER", teams: ["payments"] });
    const signedInAt = (await user(userId)).groupsRefreshedAt!;

    // Nothing changed at the provider: the groups are read (the refresh token used and replaced) and nothing else happens.
    const before = (await user(userId)).providerGrant;
    await runJob();
    expect((await user(userId)).providerGrant).not.toBe(before);
    expect(await audits("user.groups-refresh", userId)).toEqual([]);

    idp.setGroups("pat", ["everyone"]);
    await runJob();
    const after = await user(userId);
    expect(after.groups).toEqual(["oidc:everyone"]);
    expect(after.groupsRefreshedAt!.getTime()).toBeGreaterThan(signedInAt.getTime());
    expect(await getUserForSessionToken(db.prisma, token)).toMatchObject({ role: "VIEWER", teams: [] });
    expect((await audits("user.groups-refresh", userId)).map((a) => a.message)).toEqual([`oidc now reports ${userId}'s groups as oidc:everyone; joined oidc:everyone; left oidc:payments-devs`]);
    expect(await audits("user.policy-refresh", userId)).toHaveLength(1);

    // Back in the group: back in the team, with the rotated refresh token stored by the last run.
    idp.setGroups("pat", ["payments-devs"]);
    await runJob();
    expect(await getUserForSessionToken(db.prisma, token)).toMatchObject({ role: "DEVELOPER", teams: ["payments"] });
  });

  it("OpenID Connect: a grant the provider refuses (the account was removed) ends the person's sessions and access", async () => {
    const { userId, token } = await signIn("oidc", "gone");
    expect(await getUserForSessionToken(db.prisma, token)).toMatchObject({ teams: ["payments"] });
    idp.removeAccount("gone");
    await runJob();
    expect(await getUserForSessionToken(db.prisma, token)).toBeNull();
    expect(await db.prisma.session.count({ where: { userId } })).toBe(0);
    expect(await user(userId)).toMatchObject({ role: "VIEWER", groups: [], providerGrant: null });
    expect(await db.prisma.teamMember.count({ where: { userId } })).toBe(0);
    const [audit] = await audits("user.groups-revoked", userId);
    expect(audit?.message).toMatch(new RegExp(`^the provider refused to refresh ${userId}'s sign-in \\(the provider answered invalid_grant.*\\): their groups \\(oidc:payments-devs\\), role and teams were removed and 1 session ended$`));
  });

  it("GitHub: a team left at GitHub is gone after the run; a revoked authorization ends the sessions", async () => {
    const octo = await signIn("github", "octopay");
    const lee = await signIn("github", "leaver");
    expect(await getUserForSessionToken(db.prisma, octo.token)).toMatchObject({ teams: ["payments"] });
    octoTeams.splice(0, octoTeams.length, { org: "acme", slug: "platform" });
    githubApp.revoke("leaver");
    await runJob();
    expect((await user(octo.userId)).groups).toEqual(["github:acme/platform"]);
    expect(await getUserForSessionToken(db.prisma, octo.token)).toMatchObject({ role: "VIEWER", teams: [] });
    expect(await getUserForSessionToken(db.prisma, lee.token)).toBeNull();
    expect(await user(lee.userId)).toMatchObject({ groups: [], providerGrant: null });
    expect((await audits("user.groups-revoked", lee.userId))[0]?.message).toContain("GitHub answered 401 to GET /api/v3/user/teams");
    expect(github.requests.filter((r) => r.operationId === "teams/list-for-authenticated-user").map((r) => r.status)).toEqual(expect.arrayContaining([200, 401]));
    expect(github.violations).toEqual([]);
  });

  it("GitLab: the expired token is refreshed (the refresh token rotates), a group left is gone, a revoked one ends the sessions", async () => {
    const gina = await signIn("gitlab", "gina");
    const quinn = await signIn("gitlab", "quitter");
    expect(await getUserForSessionToken(db.prisma, gina.token)).toMatchObject({ teams: ["payments"] });
    const first = openGrant(key, gina.userId, (await user(gina.userId)).providerGrant!);
    ginaGroups.splice(0, ginaGroups.length, "acme");
    gitlabApp.revoke("quitter");
    await runJob();
    const second = openGrant(key, gina.userId, (await user(gina.userId)).providerGrant!);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await user(gina.userId)).groups).toEqual(["gitlab:acme"]);
    expect(await getUserForSessionToken(db.prisma, gina.token)).toMatchObject({ role: "VIEWER", teams: [] });
    expect(await getUserForSessionToken(db.prisma, quinn.token)).toBeNull();
    expect((await audits("user.groups-revoked", quinn.userId))[0]?.message).toContain("invalid_grant");
    // The rotated refresh token is the one the next run uses (the old one was spent).
    ginaGroups.push("acme/payments");
    await runJob();
    expect(await getUserForSessionToken(db.prisma, gina.token)).toMatchObject({ role: "DEVELOPER", teams: ["payments"] });
    expect(gitlab.shapeErrors).toEqual([]);
  });

  it("a provider that does not answer changes nothing, and the run is audited as skipped", async () => {
    const pat = await db.prisma.user.findUniqueOrThrow({ where: { id: "oidc:pat" }, include: { memberships: true } });
    const sessions = await db.prisma.session.count({ where: { userId: "oidc:pat" } });
    await idp.close();
    await runJob();
    const after = await db.prisma.user.findUniqueOrThrow({ where: { id: "oidc:pat" }, include: { memberships: true } });
    expect(after).toEqual(pat);
    expect(await db.prisma.session.count({ where: { userId: "oidc:pat" } })).toBe(sessions);
    const [skipped] = await audits("user.groups-refresh", "oidc");
    expect(skipped).toMatchObject({ result: "error", resourceType: "provider" });
    expect(skipped?.message).toMatch(/^skipped: oidc could not be reached \(.+\); the groups, roles and teams of 2 people are unchanged$/);
    expect(skipped?.details).toEqual({ users: ["oidc:ada", "oidc:pat"] });
  });
});
