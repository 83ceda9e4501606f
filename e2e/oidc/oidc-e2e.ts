import type { TestAccount } from "../../lib/auth/testing/oidc-test-provider";

// Where the OpenID Connect e2e run's portal and provider listen, and who can sign in: shared by
// playwright.oidc.config.ts, serve-oidc.ts and the spec.
export function oidcE2e() {
  const portalPort = Number(process.env.FERRY_E2E_PORT ?? 3100) + 30;
  const portal = `http://localhost:${portalPort}`;
  return {
    portalPort,
    portal,
    providerPort: portalPort + 1,
    issuer: `http://localhost:${portalPort + 1}`,
    clientId: "ferry-e2e",
    clientSecret: "ferry-e2e-secret",
    redirectUri: `${portal}/signin/oidc/callback`,
    label: "Test IdP",
  };
}

export const OIDC_ACCOUNTS: readonly TestAccount[] = [
  { id: "pat", name: "Pat Payments", email: "pat@acme.test", groups: ["payments-devs", "staff"] },
  { id: "nel", name: "Nel Nobody", email: "nel@acme.test", groups: ["staff"] },
  { id: "ada", name: "Ada Admin", email: "ada@acme.test", groups: ["platform-admins", "staff"] },
];
