import type { ProviderGrant } from "./token-vault";

/** Who a completed sign-in says the person is, in the provider's own terms. */
export interface ExternalIdentity {
  /** Stable id at the provider (GitHub user id, OIDC `sub`, demo user id). */
  externalId: string;
  name: string;
  email: string;
  /** Groups the provider reports, prefixed with their source (`oidc:platform-admins`); see group-policy.ts. */
  groups?: string[];
  /** The provider's tokens, when they let the worker read the groups again later (refresh-groups.ts). */
  grant?: ProviderGrant;
}

/**
 * The demo provider: people pick a user. (OpenID Connect is a redirect flow of its own in
 * oidc-sign-in.ts.) Mapping an identity to a Ferry User (and its role and teams) is the caller's job,
 * so providers know nothing about Ferry's data.
 */
export interface IdentityProvider {
  /** Value of FERRY_AUTH that selects this provider, also stored with the identity. */
  readonly id: string;
  /** Shown on the sign-in page: "Sign in with GitHub". */
  readonly label: string;
  /** Turns what the browser brought back into an identity; null when it does not name anyone. */
  completeSignIn(params: Readonly<Record<string, string>>): Promise<ExternalIdentity | null>;
}
