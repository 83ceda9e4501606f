import * as client from "openid-client";
import { z } from "zod";
import type { ExternalIdentity } from "./identity";
import { SignInRefusedError, type PendingSignIn } from "./pending-sign-in";
import type { ForgeOAuthSettings } from "./sign-in-config";

// Sign-in with GitHub or GitLab: plain OAuth 2.0 (no ID token), done with openid-client's OAuth
// functions against the forge's documented endpoints (github.com or GitHub Enterprise Server's
// /login/oauth/*, GitLab's /oauth/*), authorization code with state and PKCE. Who signed in and their
// teams or groups are then read from the forge's API with the user's token, which is not kept.

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
  let token: string;
  try {
    const tokens = await client.authorizationCodeGrant(configuration(settings), callbackUrl, { pkceCodeVerifier: pending.verifier, expectedState: pending.state });
    token = tokens.access_token;
  } catch (cause) {
    const inner = (cause as { cause?: { message?: unknown; error?: unknown } }).cause;
    const detail = typeof inner?.error === "string" ? inner.error : typeof inner?.message === "string" ? inner.message : undefined;
    throw new SignInRefusedError(`the code exchange failed: ${(cause as Error).message}${detail ? ` (${detail})` : ""}`, { cause });
  }
  return settings.forge === "github" ? githubIdentity(settings.apiUrl, token) : gitlabIdentity(settings.apiUrl, token);
}

const GitHubUser = z.object({ id: z.number(), login: z.string(), name: z.string().nullish(), email: z.string().nullish() });
const GitHubTeam = z.object({ slug: z.string(), organization: z.object({ login: z.string() }) });

/** GET /user and GET /user/teams (needs `read:org`): teams become `github:<org>/<team-slug>`. */
async function githubIdentity(apiUrl: string, token: string): Promise<ExternalIdentity> {
  const headers = { authorization: `Bearer ${token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "ferry" };
  const user = GitHubUser.parse(await getJson(`${apiUrl}/user`, headers, "GitHub"));
  const teams = await allPages((page) => `${apiUrl}/user/teams?per_page=100&page=${page}`, headers, "GitHub", GitHubTeam);
  return {
    externalId: String(user.id),
    name: user.name?.trim() || user.login,
    // GitHub gives no address when the user keeps theirs private: their no-reply address is theirs alone.
    email: user.email ?? `${user.id}+${user.login}@users.noreply.github.com`,
    groups: [...new Set(teams.map((t) => `github:${t.organization.login}/${t.slug}`))].sort(),
  };
}

const GitLabUser = z.object({ id: z.number(), username: z.string(), name: z.string().nullish(), email: z.string().nullish() });
const GitLabGroup = z.object({ full_path: z.string() });

/** GET /user and GET /groups?min_access_level=10 (needs `read_api`): groups the user is a member of, `gitlab:<full path>`. */
async function gitlabIdentity(apiUrl: string, token: string): Promise<ExternalIdentity> {
  const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
  const user = GitLabUser.parse(await getJson(`${apiUrl}/user`, headers, "GitLab"));
  // min_access_level: memberships only (an admin would otherwise list every group of the instance).
  const groups = await allPages((page) => `${apiUrl}/groups?min_access_level=10&per_page=100&page=${page}`, headers, "GitLab", GitLabGroup);
  return {
    externalId: String(user.id),
    name: user.name?.trim() || user.username,
    email: user.email ?? `${user.id}+${user.username}@gitlab.invalid`,
    groups: [...new Set(groups.map((g) => `gitlab:${g.full_path}`))].sort(),
  };
}

async function getJson(url: string, headers: Record<string, string>, forge: string): Promise<unknown> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new SignInRefusedError(`${forge} answered ${response.status} to GET ${new URL(url).pathname}`);
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
