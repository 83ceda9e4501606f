// The OpenID provider of the OIDC e2e run (oidc-provider, in its own process so Playwright can start
// and stop it like the portal): `node --import tsx e2e/oidc/serve-oidc.ts`.
import { startOidcTestProvider } from "../../lib/auth/testing/oidc-test-provider";
import { OIDC_ACCOUNTS, oidcE2e } from "./oidc-e2e";

const e2e = oidcE2e();
const provider = await startOidcTestProvider({
  accounts: OIDC_ACCOUNTS,
  clientId: e2e.clientId,
  clientSecret: e2e.clientSecret,
  redirectUris: [e2e.redirectUri],
  port: e2e.providerPort,
});
console.log(`oidc test provider: ${provider.issuer}`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => void provider.close().then(() => process.exit(0)));
}
