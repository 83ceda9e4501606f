import { createHash, randomBytes } from "node:crypto";
import type http from "node:http";

// The OAuth 2.0 authorization-code half of a forge test server (GitHub's /login/oauth/*, GitLab's
// /oauth/*), as each forge documents it: one registered app (client id, secret, callback URL), a
// login page where the tester picks a user, single-use codes bound to the redirect URI and, when the
// client sent one, to the PKCE challenge (S256), and user access tokens the API then accepts; GitLab's
// expire and come with a refresh token, used once and replaced at each refresh.

export interface OAuthTestUser {
  id: number;
  login: string;
  name: string;
  email: string | null;
}

export interface OAuthTestAppOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** GitLab-style access token lifetime in seconds (GitLab: 7200); GitHub OAuth app tokens do not expire. */
  accessTokenSeconds?: number;
}

interface IssuedCode {
  login: string;
  redirectUri: string;
  challenge: string | null;
  expiresAt: number;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class OAuthTestApp {
  /** Every login picked on the login page, in order: tests assert who went through the forge. */
  readonly logins: string[] = [];
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, { login: string; expiresAt: number | null }>();
  /** GitLab's refresh tokens (Doorkeeper): one use each, a new one with every refresh. */
  private readonly refreshTokens = new Map<string, string>();
  private readonly users = new Map<string, OAuthTestUser>();

  constructor(
    readonly options: OAuthTestAppOptions,
    users: readonly OAuthTestUser[],
  ) {
    for (const user of users) this.users.set(user.login, user);
  }

  /** The user a user access token belongs to, or null. */
  userForToken(authorization: string | undefined): OAuthTestUser | null {
    const token = /^(?:bearer|token)\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued || (issued.expiresAt !== null && issued.expiresAt < Date.now())) return null;
    return this.users.get(issued.login) ?? null;
  }

  /** The user revokes the app's authorization: every token and refresh token of theirs stops working. */
  revoke(login: string): void {
    for (const [token, issued] of this.tokens) if (issued.login === login) this.tokens.delete(token);
    for (const [token, owner] of this.refreshTokens) if (owner === login) this.refreshTokens.delete(token);
  }

  /**
   * GET <authorize>: the forge's login and consent in one page. The request is checked as the forge
   * checks it (known client, registered redirect URI); errors are shown, never redirected.
   */
  authorizePage(url: URL, confirmPath: string): { status: number; html: string } {
    const clientId = url.searchParams.get("client_id");
    const redirectUri = url.searchParams.get("redirect_uri") ?? this.options.redirectUri;
    if (clientId !== this.options.clientId) return { status: 404, html: "<p>unknown client_id</p>" };
    if (redirectUri !== this.options.redirectUri) return { status: 400, html: "<p>The redirect_uri is not associated with this application.</p>" };
    const method = url.searchParams.get("code_challenge_method");
    if (url.searchParams.has("code_challenge") && method !== "S256") return { status: 400, html: "<p>code_challenge_method must be S256</p>" };
    const hidden = ["state", "code_challenge", "redirect_uri"]
      .map((name) => `<input type="hidden" name="${name}" value="${escape(url.searchParams.get(name) ?? (name === "redirect_uri" ? redirectUri : ""))}">`)
      .join("");
    const buttons = [...this.users.values()].map((u) => `<li><button type="submit" name="login" value="${escape(u.login)}">${escape(u.name)}</button></li>`).join("");
    return { status: 200, html: `<!doctype html><html><head><title>Forge sign-in</title></head><body><h1>Authorize Ferry</h1><form method="post" action="${escape(confirmPath)}">${hidden}<ul>${buttons}</ul></form></body></html>` };
  }

  /** POST <confirm>: the user picked; back to the app with a code (10 minutes, one use). */
  confirm(form: URLSearchParams): { status: number; location?: string; html?: string } {
    const login = form.get("login") ?? "";
    if (!this.users.has(login)) return { status: 400, html: "<p>no such user</p>" };
    const redirectUri = form.get("redirect_uri") ?? "";
    if (redirectUri !== this.options.redirectUri) return { status: 400, html: "<p>bad redirect_uri</p>" };
    this.logins.push(login);
    const code = randomBytes(10).toString("hex");
    this.codes.set(code, { login, redirectUri, challenge: form.get("code_challenge") || null, expiresAt: Date.now() + 600_000 });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    if (form.get("state")) back.searchParams.set("state", form.get("state")!);
    return { status: 302, location: back.href };
  }

  /**
   * POST <token>: exchanges a code. Client credentials from the body (client_secret_post) or Basic auth.
   * `style` is how the forge answers a bad request: GitHub with 200 and an `error` body, GitLab (Doorkeeper)
   * with 400/401 and the RFC 6749 error.
   */
  exchange(form: URLSearchParams, authorization: string | undefined, style: "github" | "gitlab"): TokenAnswer {
    const basic = /^basic\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":").map(decodeURIComponent) : [];
    const clientId = form.get("client_id") ?? basicId;
    const clientSecret = form.get("client_secret") ?? basicSecret;
    const fail = (error: string, description: string, status: number): TokenAnswer =>
      style === "github" ? { status: 200, body: { error, error_description: description, error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors" } } : { status, body: { error, error_description: description } };
    if (clientId !== this.options.clientId || clientSecret !== this.options.clientSecret) return fail(style === "github" ? "incorrect_client_credentials" : "invalid_client", "The client_id and/or client_secret passed are incorrect.", 401);
    if (form.get("grant_type") === "refresh_token") {
      const refresh = form.get("refresh_token") ?? "";
      const owner = style === "gitlab" ? this.refreshTokens.get(refresh) : undefined;
      this.refreshTokens.delete(refresh);
      if (!owner) return fail(style === "github" ? "bad_refresh_token" : "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.", 400);
      return { status: 200, body: this.issue(owner, style) };
    }
    const code = form.get("code") ?? "";
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (!issued || issued.expiresAt < Date.now()) return fail(style === "github" ? "bad_verification_code" : "invalid_grant", "The code passed is incorrect or expired.", 400);
    if ((form.get("redirect_uri") ?? issued.redirectUri) !== issued.redirectUri) return fail(style === "github" ? "redirect_uri_mismatch" : "invalid_grant", "The redirect_uri MUST match the registered callback URL for this application.", 400);
    if (issued.challenge) {
      const verifier = form.get("code_verifier") ?? "";
      if (createHash("sha256").update(verifier).digest("base64url") !== issued.challenge) return fail(style === "github" ? "bad_verification_code" : "invalid_grant", "The code_verifier does not match the code_challenge.", 400);
    }
    return { status: 200, body: this.issue(issued.login, style) };
  }

  private issue(login: string, style: "github" | "gitlab"): Record<string, unknown> {
    const token = `${style === "github" ? "gho_" : "glpat-"}${randomBytes(18).toString("hex")}`;
    if (style === "github") {
      this.tokens.set(token, { login, expiresAt: null });
      return { access_token: token, token_type: "bearer", scope: "read:user,read:org" };
    }
    const seconds = this.options.accessTokenSeconds ?? 7200;
    this.tokens.set(token, { login, expiresAt: Date.now() + seconds * 1000 });
    const refresh = randomBytes(32).toString("hex");
    this.refreshTokens.set(refresh, login);
    return { access_token: token, token_type: "Bearer", scope: "read_user read_api", expires_in: seconds, refresh_token: refresh, created_at: Math.floor(Date.now() / 1000) };
  }
}

/** Reads a form-encoded (or JSON) request body as URLSearchParams. */
export function formOf(raw: string, contentType: string | undefined): URLSearchParams {
  if (contentType?.includes("application/json")) {
    const data = JSON.parse(raw || "{}") as Record<string, unknown>;
    return new URLSearchParams(Object.entries(data).map(([k, v]) => [k, String(v)]));
  }
  return new URLSearchParams(raw);
}

export function sendOAuth(res: http.ServerResponse, answer: { status: number; location?: string; html?: string; body?: unknown }): void {
  if (answer.location) {
    res.writeHead(answer.status, { location: answer.location });
    res.end();
  } else if (answer.html !== undefined) {
    res.writeHead(answer.status, { "content-type": "text/html; charset=utf-8" });
    res.end(answer.html);
  } else {
    res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(answer.body));
  }
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
