import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FerryStartupError } from "@/lib/db/errors";
import { checkSignInConfig, isProduction, loadGroupPolicy, signInSettings } from "./sign-in-config";

const dir = mkdtempSync(path.join(os.tmpdir(), "ferry-signin-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OIDC = { FERRY_OIDC_ISSUER: "https://idp.example.com/realms/acme", FERRY_OIDC_CLIENT_ID: "ferry", FERRY_PUBLIC_URL: "https://ferry.example.com/" };

function refusal(env: Record<string, string | undefined>): FerryStartupError {
  try {
    checkSignInConfig(env);
  } catch (error) {
    if (error instanceof FerryStartupError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("signInSettings", () => {
  it("offers the demo users when nothing is configured, as npm start does", () => {
    expect(signInSettings({})).toEqual({ demo: true, oidc: undefined, warnings: [] });
    expect(signInSettings({ FERRY_AUTH: "demo", NODE_ENV: "development" }).demo).toBe(true);
  });

  it("reads OpenID Connect from the environment, the secret from *_FILE, and builds the callback on FERRY_PUBLIC_URL", () => {
    const secretFile = path.join(dir, "secret");
    writeFileSync(secretFile, "s3cret\n");
    const settings = signInSettings({ ...OIDC, FERRY_OIDC_CLIENT_SECRET_FILE: secretFile, FERRY_OIDC_GROUPS_CLAIM: "roles", FERRY_OIDC_SCOPES: "openid email", FERRY_OIDC_LABEL: "Keycloak", FERRY_POLICY_FILE: "/x" });
    expect(settings.demo).toBe(false);
    expect(settings.oidc).toEqual({
      issuer: new URL(OIDC.FERRY_OIDC_ISSUER),
      clientId: "ferry",
      clientSecret: "s3cret",
      scopes: "openid email",
      groupsClaim: "roles",
      label: "Keycloak",
      redirectUri: "https://ferry.example.com/signin/oidc/callback",
    });
    expect(settings.warnings).toEqual([]);
    // FERRY_OIDC_ISSUER alone selects OIDC; the defaults ask for groups.
    expect(signInSettings(OIDC).oidc).toMatchObject({ clientSecret: undefined, scopes: "openid profile email groups", groupsClaim: "groups" });
    expect(signInSettings(OIDC).warnings).toEqual(["no FERRY_POLICY_FILE: everyone who signs in with OpenID Connect is a viewer of no team"]);
  });

  it("refuses a token encryption key that is not 32 bytes, saying how to make one", () => {
    expect(() => signInSettings({ ...OIDC, FERRY_TOKEN_ENCRYPTION_KEY: "too-short" })).toThrow(/FERRY_TOKEN_ENCRYPTION_KEY must be base64 of 32 bytes/);
    expect(signInSettings({ ...OIDC, FERRY_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") }).oidc).toBeDefined();
  });

  it.each([
    [{ FERRY_AUTH: "saml" }, /FERRY_AUTH="saml" names no sign-in provider.*\(saml\): set FERRY_AUTH to "oidc"/],
    [{ FERRY_AUTH: "oidc" }, /needs the provider's issuer URL: set FERRY_OIDC_ISSUER/],
    [{ ...OIDC, FERRY_OIDC_ISSUER: "http://idp.example.com" }, /must be https/],
    [{ ...OIDC, FERRY_OIDC_ISSUER: "not a url" }, /is not a URL/],
    [{ ...OIDC, FERRY_OIDC_CLIENT_ID: "" }, /set FERRY_OIDC_CLIENT_ID/],
    [{ ...OIDC, FERRY_PUBLIC_URL: undefined }, /set FERRY_PUBLIC_URL/],
    [{ ...OIDC, FERRY_OIDC_CLIENT_SECRET_FILE: "/nonexistent/secret" }, /FERRY_OIDC_CLIENT_SECRET_FILE points at \/nonexistent\/secret, which cannot be read \(ENOENT\)/],
  ])("refuses %j at start-up, saying what to set", (env, message) => {
    expect(refusal(env).toLine()).toMatch(message);
  });

  it("accepts a plain-http issuer on localhost only (test and development providers)", () => {
    expect(signInSettings({ ...OIDC, FERRY_OIDC_ISSUER: "http://localhost:4444" }).oidc?.issuer.href).toBe("http://localhost:4444/");
  });
});

describe("GitHub and GitLab sign-in", () => {
  const PUBLIC = { FERRY_PUBLIC_URL: "https://ferry.example.com" };

  it("reads a GitHub OAuth app for github.com, or a GitHub Enterprise Server and its /api/v3", () => {
    const secretFile = path.join(dir, "gh-secret");
    writeFileSync(secretFile, "gh-s3cret\n");
    const dotcom = signInSettings({ ...PUBLIC, FERRY_GITHUB_OAUTH_CLIENT_ID: "Iv1.abc", FERRY_GITHUB_OAUTH_CLIENT_SECRET_FILE: secretFile, FERRY_POLICY_FILE: "/p" });
    expect(dotcom).toMatchObject({ demo: false, oidc: undefined, gitlab: undefined, warnings: [] });
    expect(dotcom.github).toEqual({ forge: "github", label: "GitHub", clientId: "Iv1.abc", clientSecret: "gh-s3cret", webUrl: "https://github.com", apiUrl: "https://api.github.com", scopes: "read:user read:org", redirectUri: "https://ferry.example.com/signin/github/callback" });
    const ghes = signInSettings({ ...PUBLIC, FERRY_AUTH: "github", FERRY_GITHUB_OAUTH_CLIENT_ID: "x", FERRY_GITHUB_OAUTH_CLIENT_SECRET: "y", FERRY_GITHUB_OAUTH_URL: "https://ghe.acme.example/" });
    expect(ghes.github).toMatchObject({ webUrl: "https://ghe.acme.example", apiUrl: "https://ghe.acme.example/api/v3" });
  });

  it("reads a GitLab application on a self-managed GitLab (FERRY_GITLAB_URL)", () => {
    const settings = signInSettings({ ...PUBLIC, FERRY_AUTH: "gitlab,oidc", ...OIDC, FERRY_GITLAB_OAUTH_CLIENT_ID: "app", FERRY_GITLAB_OAUTH_CLIENT_SECRET: "gl", FERRY_GITLAB_URL: "https://gitlab.acme.example/" });
    expect(settings.gitlab).toMatchObject({ forge: "gitlab", webUrl: "https://gitlab.acme.example", apiUrl: "https://gitlab.acme.example/api/v4", scopes: "read_user read_api", redirectUri: "https://ferry.example.com/signin/gitlab/callback" });
    expect(settings.oidc).toBeDefined();
    expect(signInSettings({ ...PUBLIC, FERRY_AUTH: "gitlab", FERRY_GITLAB_OAUTH_CLIENT_ID: "a", FERRY_GITLAB_OAUTH_CLIENT_SECRET: "b" }).gitlab?.webUrl).toBe("https://gitlab.com");
  });

  it.each([
    [{ FERRY_AUTH: "github", FERRY_GITHUB_OAUTH_CLIENT_ID: "x" }, /FERRY_AUTH=github needs the OAuth app's client id and secret: set FERRY_GITHUB_OAUTH_CLIENT_ID and FERRY_GITHUB_OAUTH_CLIENT_SECRET/],
    [{ FERRY_AUTH: "gitlab", FERRY_GITLAB_OAUTH_CLIENT_ID: "x", FERRY_GITLAB_OAUTH_CLIENT_SECRET: "y", FERRY_GITLAB_URL: "http://gitlab.acme.example" }, /FERRY_GITLAB_URL must be https/],
    [{ FERRY_AUTH: "demo", FERRY_GITHUB_OAUTH_CLIENT_ID: "x" }, /demo sign-in is refused because GitHub sign-in is configured.*set FERRY_AUTH=github \(without "demo"\)/],
  ])("refuses %j at start-up, saying what to set", (env, message) => {
    expect(refusal({ ...PUBLIC, ...env }).toLine()).toMatch(message);
  });
});

describe("demo sign-in next to a real provider or in production", () => {
  it("is refused when a real provider is configured, unless explicitly allowed, then warned about", () => {
    expect(refusal({ ...OIDC, FERRY_AUTH: "demo,oidc" }).toLine()).toBe(
      'demo sign-in is refused because FERRY_AUTH names a real provider (oidc): on it anyone may sign in as a platform admin: set FERRY_AUTH=oidc (without "demo"), or FERRY_ALLOW_DEMO_SIGNIN=1 to offer the demo users anyway',
    );
    expect(refusal({ ...OIDC, FERRY_AUTH: "demo" }).message).toMatch(/because OpenID Connect sign-in is configured/);
    const allowed = signInSettings({ ...OIDC, FERRY_AUTH: "demo,oidc", FERRY_ALLOW_DEMO_SIGNIN: "1", FERRY_POLICY_FILE: "/p" });
    expect(allowed.demo).toBe(true);
    expect(allowed.oidc).toBeDefined();
    expect(allowed.warnings).toEqual(["WARNING: demo sign-in is on although FERRY_AUTH names a real provider (oidc) (FERRY_ALLOW_DEMO_SIGNIN=1): anyone who reaches this portal can sign in as a platform admin"]);
  });

  it("is refused when NODE_ENV=production (as the launcher saw it), unless explicitly allowed", () => {
    expect(refusal({ NODE_ENV: "production" }).toLine()).toMatch(/^demo sign-in is refused because NODE_ENV=production.*: configure a real provider \(FERRY_AUTH=oidc.*or set FERRY_ALLOW_DEMO_SIGNIN=1/);
    expect(signInSettings({ NODE_ENV: "production", FERRY_ALLOW_DEMO_SIGNIN: "1" }).warnings[0]).toMatch(/^WARNING: demo sign-in is on although NODE_ENV=production/);
    // `next start` sets NODE_ENV=production in the server; npm start passes on its own.
    expect(signInSettings({ NODE_ENV: "production", FERRY_LAUNCHER_NODE_ENV: "development" }).demo).toBe(true);
    expect(isProduction({ NODE_ENV: "development", FERRY_LAUNCHER_NODE_ENV: "production" })).toBe(true);
    expect(signInSettings({ ...OIDC, NODE_ENV: "production" }).demo).toBe(false);
  });
});

describe("the group policy file", () => {
  it("is read from FERRY_POLICY_FILE, and a file with bad lines stops start-up naming each line", () => {
    const file = path.join(dir, "policy.csv");
    writeFileSync(file, "g, oidc:admins, role:admin\ng, oidc:x, role:root\n\ng, ldap:y, team:y\n");
    expect(loadGroupPolicy({ FERRY_POLICY_FILE: file }).policy.rules).toHaveLength(1);
    expect(refusal({ ...OIDC, FERRY_POLICY_FILE: file }).toLine()).toBe(
      `the group policy file has 2 errors:\n${file}:2: unknown role "root": use role:admin, role:developer or role:viewer\n${file}:4: "ldap:y" names no identity provider: write oidc:<group>, github:<org>/<team> or gitlab:<group>: fix those lines of ${file}`,
    );
  });

  it("names a file that cannot be read", () => {
    expect(refusal({ ...OIDC, FERRY_POLICY_FILE: path.join(dir, "missing.csv") }).message).toMatch(/FERRY_POLICY_FILE points at .*missing\.csv, which cannot be read \(ENOENT\)/);
  });
});
