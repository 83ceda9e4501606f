import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signInSettings } from "./sign-in-config";
import { withFileSignInConfig } from "./sign-in-file-config";

const dir = mkdtempSync(path.join(os.tmpdir(), "ferry-auth-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(text: string): string {
  const file = path.join(dir, `ferry-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

const AUTH = `repositories: []
auth:
  providers: [oidc]
  policyFile: policy.csv
  oidc:
    issuer: https://keycloak.example.com/realms/acme
    clientId: ferry
    groupsClaim: roles
    label: Keycloak
`;

describe("auth: in the config file", () => {
  it("configures OpenID Connect and the policy file (relative to the config file) like the variables", () => {
    const file = configFile(AUTH);
    const env = withFileSignInConfig({ FERRY_CONFIG: file, FERRY_PUBLIC_URL: "https://ferry.example.com", FERRY_OIDC_CLIENT_SECRET: "s" }, "/elsewhere");
    expect(env).toMatchObject({ FERRY_AUTH: "oidc", FERRY_OIDC_ISSUER: "https://keycloak.example.com/realms/acme", FERRY_OIDC_CLIENT_ID: "ferry", FERRY_OIDC_GROUPS_CLAIM: "roles", FERRY_POLICY_FILE: path.join(dir, "policy.csv") });
    expect(signInSettings(env).oidc).toMatchObject({ clientId: "ferry", clientSecret: "s", label: "Keycloak", groupsClaim: "roles", redirectUri: "https://ferry.example.com/signin/oidc/callback" });
  });

  it("lets a variable win over the file", () => {
    const env = withFileSignInConfig({ FERRY_CONFIG: configFile(AUTH), FERRY_OIDC_CLIENT_ID: "from-env", FERRY_AUTH: "" });
    expect(env.FERRY_OIDC_CLIENT_ID).toBe("from-env");
    expect(env.FERRY_AUTH).toBe("oidc");
  });

  it("adds nothing without a file or an auth section", () => {
    const env = { FERRY_CONFIG: path.join(dir, "missing.yaml") };
    expect(withFileSignInConfig(env)).toBe(env);
    const none = { FERRY_CONFIG: configFile("repositories: []\n") };
    expect(withFileSignInConfig(none)).toBe(none);
    expect(withFileSignInConfig({}, dir)).toEqual({});
  });

  it("refuses a client secret in the file, and a malformed section, saying where", () => {
    const secret = configFile("auth:\n  oidc:\n    issuer: https://x\n    clientId: f\n    clientSecret: oops\n");
    expect(() => withFileSignInConfig({ FERRY_CONFIG: secret })).toThrow(`${secret}: auth.oidc.clientSecret is not read from the config file`);
    const bad = configFile("auth:\n  providers: [saml]\n  oidc:\n    clientId: f\n");
    expect(() => withFileSignInConfig({ FERRY_CONFIG: bad })).toThrow(/auth\.providers\.0: .*; auth\.oidc\.issuer: /);
  });
});
