import { demoIdentityProvider } from "./demo-users";

/** Who a completed sign-in says the person is, in the provider's own terms. */
export interface ExternalIdentity {
  /** Stable id at the provider (GitHub user id, OIDC `sub`, demo user id). */
  externalId: string;
  name: string;
  email: string;
}

/**
 * A way to sign in. The demo provider lets people pick a user; OAuth (GitHub, GitLab) and OIDC
 * providers will send the browser to `authorizationUrl` and finish in `completeSignIn` with the
 * callback's query parameters. Mapping the identity to a Ferry User (and its role and teams) is
 * the caller's job, so providers know nothing about Ferry's data.
 */
export interface IdentityProvider {
  /** Value of FERRY_AUTH that selects this provider, also stored with the identity. */
  readonly id: string;
  /** Shown on the sign-in page: "Sign in with GitHub". */
  readonly label: string;
  /** Redirect-based providers: where to send the browser. Absent for the demo picker. */
  authorizationUrl?(params: { state: string; redirectUri: string }): string;
  /** Turns what the browser brought back into an identity; null when it does not name anyone. */
  completeSignIn(params: Readonly<Record<string, string>>): Promise<ExternalIdentity | null>;
}

const PROVIDERS: Readonly<Record<string, IdentityProvider>> = {
  demo: demoIdentityProvider,
};

/**
 * The provider FERRY_AUTH selects: unset or "demo" is the demo picker. Any other value throws, so a
 * deployment that asked for real sign-in never silently falls back to "anyone may be anyone".
 * Call it at start-up (scripts/start.ts) to refuse early; the sign-in page calls it too.
 */
export function getIdentityProvider(env: Record<string, string | undefined> = process.env): IdentityProvider {
  const wanted = env.FERRY_AUTH?.trim() || "demo";
  const provider = PROVIDERS[wanted];
  if (!provider) {
    throw new Error(
      `FERRY_AUTH=${JSON.stringify(wanted)} is not supported: the only sign-in provider so far is "demo". ` +
        `Unset FERRY_AUTH (or set it to "demo") to use the demo users.`,
    );
  }
  return provider;
}
