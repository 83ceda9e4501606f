import * as client from "openid-client";
import { SignInRefusedError } from "./pending-sign-in";
import type { ProviderGrant } from "./token-vault";

// What reading a person's groups again, without them, can come to (refresh-groups.ts acts on it):
// their groups now; the provider refusing (the grant or token was revoked, the account removed), which
// takes their provider-derived access away; or the provider not answering, which changes nothing.

export type GroupsReading =
  | { kind: "groups"; groups: string[]; grant: ProviderGrant }
  | { kind: "revoked"; reason: string }
  | { kind: "unreachable"; reason: string };

/** A forge API answer that was not a success: it refuses a sign-in, and its status tells a refresh whether the token was revoked. */
export class ProviderHttpError extends SignInRefusedError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Only an explicit refusal counts as revoked: OAuth's invalid_grant (RFC 6749 §5.2) from the token
 * endpoint, or 401 from an API or userinfo with the token just issued or stored. Anything else (no
 * connection, a timeout, 5xx, an answer we cannot read) is "unreachable": nobody loses access because
 * the provider had a bad minute.
 */
export function classifyProviderError(error: unknown): GroupsReading {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof client.ResponseBodyError && (error.error === "invalid_grant" || error.error === "invalid_token")) {
    return { kind: "revoked", reason: `the provider answered ${error.error}${error.error_description ? `: ${error.error_description}` : ""}` };
  }
  if (error instanceof client.WWWAuthenticateChallengeError && error.status === 401) return { kind: "revoked", reason: "the provider answered 401 to the token" };
  if (error instanceof ProviderHttpError && error.status === 401) return { kind: "revoked", reason: message };
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return { kind: "unreachable", reason: `${message}${cause}` };
}

/** The tokens to keep from a token endpoint's answer; a refresh that returns no new refresh token keeps the old one. */
export function grantOf(tokens: client.TokenEndpointResponse, previous?: ProviderGrant): ProviderGrant {
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken;
  return { accessToken: tokens.access_token, ...(refreshToken ? { refreshToken } : {}), ...(tokens.expires_in ? { expiresAt: Date.now() + tokens.expires_in * 1000 } : {}) };
}
