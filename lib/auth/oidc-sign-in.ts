import * as client from "openid-client";
import type { ExternalIdentity } from "./identity";
import { SignInRefusedError, type PendingSignIn } from "./pending-sign-in";
import { classifyProviderError, grantOf, type GroupsReading } from "./groups-reading";
import type { OidcSettings } from "./sign-in-config";
import type { ProviderGrant } from "./token-vault";

// OpenID Connect sign-in with openid-client (panva's certified relying party): discovery from the
// issuer, authorization code with PKCE (S256), state and nonce, then the ID token's and userinfo's
// claims. Ferry's own session store takes over from there. A refresh token, when the provider gives
// one, is kept (sealed, token-vault.ts) so the worker can read the person's groups again.

const discovered = new Map<string, Promise<client.Configuration>>();

/** The provider's configuration from its discovery document, fetched once per process (a failure is retried next time). */
export function oidcConfiguration(settings: OidcSettings): Promise<client.Configuration> {
  const key = `${settings.issuer.href} ${settings.clientId}`;
  let found = discovered.get(key);
  if (!found) {
    const insecure = settings.issuer.protocol === "http:";
    found = client
      .discovery(
        settings.issuer,
        settings.clientId,
        undefined,
        settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
        insecure ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
      )
      .catch((error: unknown) => {
        discovered.delete(key);
        throw error;
      });
    discovered.set(key, found);
  }
  return found;
}

/** Where to send the browser, and what to remember until it comes back. */
export async function startOidcSignIn(settings: OidcSettings, next: string): Promise<{ url: URL; pending: PendingSignIn }> {
  const config = await oidcConfiguration(settings);
  const pending: PendingSignIn = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: settings.redirectUri,
    scope: settings.scopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: "S256",
  });
  return { url, pending };
}

/**
 * Exchanges the callback's code (checking state, nonce and PKCE) and reads who signed in. `callbackUrl`
 * is the URL the provider redirected to, rebuilt on FERRY_PUBLIC_URL (behind a proxy the request's own
 * URL is not what the provider saw). Groups come from the ID token or, where the provider keeps them
 * out of it (Okta, oidc-provider), from userinfo, each prefixed `oidc:`.
 */
export async function finishOidcSignIn(settings: OidcSettings, callbackUrl: URL, pending: PendingSignIn): Promise<ExternalIdentity> {
  const config = await oidcConfiguration(settings);
  const error = callbackUrl.searchParams.get("error");
  if (error) throw new SignInRefusedError(`the provider answered ${error}: ${callbackUrl.searchParams.get("error_description") ?? "no description"}`);
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
  } catch (cause) {
    // openid-client says "invalid response encountered" and keeps the check that failed in `cause`.
    const inner = (cause as { cause?: { message?: unknown } }).cause?.message;
    throw new SignInRefusedError(`the code exchange failed: ${(cause as Error).message}${typeof inner === "string" ? ` (${inner})` : ""}`, { cause });
  }
  const idClaims = tokens.claims();
  if (!idClaims) throw new SignInRefusedError("the provider returned no ID token");
  let claims: Record<string, unknown> = { ...idClaims };
  if (claims[settings.groupsClaim] === undefined || claims.email === undefined) {
    const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub).catch(() => undefined);
    if (info) claims = { ...info, ...claims, [settings.groupsClaim]: claims[settings.groupsClaim] ?? info[settings.groupsClaim] };
  }
  const identity = identityFromClaims(claims as { sub: string } & Record<string, unknown>, settings.groupsClaim);
  return tokens.refresh_token ? { ...identity, grant: grantOf(tokens) } : identity;
}

/**
 * The person's groups now, without them: the stored refresh token is exchanged (the provider may
 * rotate it) and the groups claim read from the new ID token or from userinfo, as at sign-in. A
 * provider that refuses the grant (revoked, the account gone) says so as `revoked`.
 */
export async function readOidcGroups(settings: OidcSettings, grant: ProviderGrant, subject: string): Promise<GroupsReading> {
  if (!grant.refreshToken) return { kind: "revoked", reason: "no refresh token is stored" };
  try {
    const config = await oidcConfiguration(settings);
    const tokens = await client.refreshTokenGrant(config, grant.refreshToken);
    const idClaims = tokens.claims();
    if (idClaims && idClaims.sub !== subject) return { kind: "unreachable", reason: `the provider answered for subject ${idClaims.sub}, not ${subject}` };
    let raw: unknown = idClaims?.[settings.groupsClaim];
    if (raw === undefined) raw = (await client.fetchUserInfo(config, tokens.access_token, subject))[settings.groupsClaim];
    return { kind: "groups", groups: identityFromClaims({ sub: subject, [settings.groupsClaim]: raw }, settings.groupsClaim).groups ?? [], grant: grantOf(tokens, grant) };
  } catch (error) {
    return classifyProviderError(error);
  }
}

/** Ferry's view of the claims: a stable id from `sub`, a name and e-mail to show, and the groups. */
export function identityFromClaims(claims: { sub: string } & Record<string, unknown>, groupsClaim: string): ExternalIdentity {
  const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : undefined);
  const email = text(claims.email) ?? text(claims.upn);
  const name = text(claims.name) ?? text(claims.preferred_username) ?? email ?? claims.sub;
  const rawGroups = claims[groupsClaim];
  const groups = (Array.isArray(rawGroups) ? rawGroups : typeof rawGroups === "string" ? [rawGroups] : [])
    .filter((g): g is string => typeof g === "string" && g.length > 0 && g.length <= 512)
    // Keycloak writes group paths ("/platform-admins") when "full group path" is on: a rule names the group.
    .map((g) => `oidc:${g.replace(/^\//, "")}`);
  return { externalId: claims.sub, name, email: email ?? `${claims.sub}@oidc.invalid`, groups: [...new Set(groups)].sort() };
}
