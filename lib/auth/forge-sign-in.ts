import * as client from "openid-client";
import { z } from "zod";
import type { ExternalIdentity } from "./identity";
import { SignInRefusedError, type PendingSignIn } from "./pending-sign-in";
import { classifyProviderError, grantOf, ProviderHttpError, type GroupsReading } from "./groups-reading";
import type { ForgeOAuthSettings } from "./sign-in-config";
import type { ProviderGrant } from "./token-vault";

// Sign-in with GitHub or GitLab: plain OAuth 2.0 (no ID token), done with openid-client's OAuth
// functions against the forge's documented endpoints (github.com or GitHub Enterprise Server's
// /login/oauth/*, GitLab's /oauth/*), authorization code with state and PKCE. Who signed in and their
// teams or groups are then read from the forge's API with the user's token, which is kept (sealed,
// token-vault.ts) with GitLab's refresh token so the worker can read the teams or groups again.

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_PAGES = 10;

function configuration(settings: ForgeOAuthSettings): client.Configuration {
  const web = settings.webUrl.replace(/\/+$/, "");
  const paths = settings.forge === "github" ? { authorize: "/login/oauth/authorize", token: "/login/oauth/access_token" } : { authorize: "/oauth/authorize", token: "/oauth/token" };
  const config = new client.Configuration(
    { issuer: web, authorization_endpoint: `${web}${paths.authorize}`, token_endpoint: `${web}${paths.token}` },
    settings.clientId,
    undefined,
    client.ClientSecretPost(settings.clientSecret),
  );
  if (new URL(web).protocol === "http:") client.allowInsecureRequests(config);
  config.timeout = REQUEST_TIMEOUT_MS / 1000;
  return config;
}

export async function startForgeSignIn(settings: ForgeOAuthSettings, next: string): Promise<{ url: URL; pending: PendingSignIn }> {
  const pending: PendingSignIn = { state: client.randomState(), nonce: "-", verifier: client.randomPKCECodeVerifier(), next };
  const url = client.buildAuthorizationUrl(configuration(settings), {
    redirect_uri: settings.redirectUri,
    scope: settings.scopes,
    state: pending.state,
    code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: "S256",
  });
  return { url, pending };
}

export async function finishForgeSignIn(settings: ForgeOAuthSettings, callbackUrl: URL, pending: PendingSignIn): Promise<ExternalIdentity> {
  const error = callbackUrl.searchParams.get("error");
  if (error) throw new SignInRefusedError(`${settings.label} answered ${error}: ${callbackUrl.searchParams.get("error_description") ?? "no description"}`);
  let grant: ProviderGrant;
  try {
    const tokens = await client.authorizationCodeGrant(configuration(settings), callbackUrl, { pkceCodeVerifier: pending.verifier, expectedState: pending.state });
    grant = grantOf(tokens);
  } catch (cause) {
    const inner = (cause as { cause?: { message?: unknown; error?: unknown } }).cause;
    const detail = typeof inner?.error === "string" ? inner.error : typeof inner?.message === "string" ? inner.message : undefined;
    throw new SignInRefusedError(`the code exchange failed: ${(cause as Error).message}${detail ? ` (${detail})` : ""}`, { cause });
  }
  const identity = await (settings.forge === "github" ? githubIdentity(settings.apiUrl, grant.accessToken) : gitlabIdentity(settings.apiUrl, grant.accessToken));
  return { ...identity, grant };
}

/**
 * The person's teams (GitHub) or groups (GitLab) now, with their stored token. An expired token with a
 * refresh token (GitLab's last 2 hours) is refreshed first; GitLab rotates the refresh token.
 */
export async function readForgeGroups(settings: ForgeOAuthSettings, stored: ProviderGrant, now = Date.now()): Promise<GroupsReading> {
  try {
    let grant = stored;
    if (grant.refreshToken && grant.expiresAt !== undefined && grant.expiresAt < now + 60_000) {
      grant = grantOf(await client.refreshTokenGrant(configuration(settings), grant.refreshToken), grant);
    }
    const groups = settings.forge === "github" ? await githubGroups(settings.apiUrl, grant.accessToken) : await gitlabGroups(settings.apiUrl, grant.accessToken);
    return { kind: "groups", groups, grant };
  } catch (error) {
    return classifyProviderError(error);
  }
}

const GitHubUser = z.object({ id: z.number(), login: z.string(), name: z.string().nullish(), email: z.string().nullish() });
const GitHubTeam = z.object({ slug: z.string(), organization: z.object({ login: z.string() }) });

/** GET /user and GET /user/teams (needs `read:org`): teams become `github:<org>/<team-slug>`. */
async function githubIdentity(apiUrl: string, token: string): Promise<ExternalIdentity> {
  const user = GitHubUser.parse(await getJson(`${apiUrl}/user`, githubHeaders(token), "GitHub"));
  return {
    externalId: String(user.id),
    name: user.name?.trim() || user.login,
    // GitHub gives no address when the user keeps theirs private: their no-reply address is theirs alone.
    email: user.email ?? `${user.id}+${user.login}@users.noreply.github.com`,
    groups: await githubGroups(apiUrl, token),
  };
}

const githubHeaders = (token: string) => ({ authorization: `Bearer ${token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "ferry" });

async function githubGroups(apiUrl: string, token: string): Promise<string[]> {
  const teams = await allPages((page) => `${apiUrl}/user/teams?per_page=100&page=${page}`, githubHeaders(token), "GitHub", GitHubTeam);
  return [...new Set(teams.map((t) => `github:${t.organization.login}/${t.slug}`))].sort();
}

const GitLabUser = z.object({ id: z.number(), username: z.string(), name: z.string().nullish(), email: z.string().nullish() });
const GitLabGroup = z.object({ full_path: z.string() });

/** GET /user and GET /groups?min_access_level=10 (needs `read_api`): groups the user is a member of, `gitlab:<full path>`. */
async function gitlabIdentity(apiUrl: string, token: string): Promise<ExternalIdentity> {
  const user = GitLabUser.parse(await getJson(`${apiUrl}/user`, gitlabHeaders(token), "GitLab"));
  return {
    externalId: String(user.id),
    name: user.name?.trim() || user.username,
    email: user.email ?? `${user.id}+${user.username}@gitlab.invalid`,
    groups: await gitlabGroups(apiUrl, token),
  };
}

const gitlabHeaders = (token: string) => ({ authorization: `Bearer ${token}`, accept: "application/json" });

async function gitlabGroups(apiUrl: string, token: string): Promise<string[]> {
  // min_access_level: memberships only (an admin would otherwise list every group of the instance).
  const groups = await allPages((page) => `${apiUrl}/groups?min_access_level=10&per_page=100&page=${page}`, gitlabHeaders(token), "GitLab", GitLabGroup);
  return [...new Set(groups.map((g) => `gitlab:${g.full_path}`))].sort();
}

async function getJson(url: string, headers: Record<string, string>, forge: string): Promise<unknown> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new ProviderHttpError(response.status, `${forge} answered ${response.status} to GET ${new URL(url).pathname}`);
  return response.json();
}

async function allPages<T>(url: (page: number) => string, headers: Record<string, string>, forge: string, item: z.ZodType<T>): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const batch = z.array(item).parse(await getJson(url(page), headers, forge));
    all.push(...batch);
    if (batch.length < 100) break;
  }
  return all;
}
