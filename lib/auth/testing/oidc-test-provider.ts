import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

// A real OpenID provider for tests: panva's oidc-provider (OpenID-certified), in the test process, with
// a one-page login where the tester picks an account. Authorization code + PKCE, groups as a claim of
// the `groups` scope, released from userinfo as Okta does (not in the ID token). Refresh tokens are
// issued with every code, as Keycloak does, so a relying party can read the claims again later.

export interface TestAccount {
  id: string;
  name: string;
  email: string;
  groups: string[];
}

export interface OidcTestProviderOptions {
  accounts: readonly TestAccount[];
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** 0 picks a free port. */
  port?: number;
}

export interface OidcTestProvider {
  issuer: string;
  /** Every login submitted, by account id: tests assert who went through the provider. */
  logins: string[];
  /** The account's groups at the provider from now on (an admin edited the directory). */
  setGroups(id: string, groups: string[]): void;
  /** The account is deleted: its refresh tokens are refused from now on (invalid_grant). */
  removeAccount(id: string): void;
  close(): Promise<void>;
}

export async function startOidcTestProvider(options: OidcTestProviderOptions): Promise<OidcTestProvider> {
  const accounts = new Map(options.accounts.map((a) => [a.id, { ...a }]));
  const logins: string[] = [];
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, resolve));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    issueRefreshToken: async (_ctx: KoaContextWithOIDC, client) => client.grantTypeAllowed("refresh_token"),
    scopes: ["openid", "profile", "email", "groups"],
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email", "email_verified"], groups: ["groups"] },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    cookies: { keys: ["ferry-oidc-test-provider-cookie-key"] },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, name: account.name, preferred_username: id, email: account.email, email_verified: true, groups: account.groups }),
      };
    },
    // Ferry is a first-party client here: consent is implied, as an IdP admin would configure it.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope("openid profile email groups");
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url?.split("?")[0] ?? "");
    if (!match) return void callback(req, res);
    void interaction(req, res, Boolean(match[2])).catch((error: unknown) => {
      res.statusCode = 400;
      res.end(`interaction failed: ${(error as Error).message}`);
    });
  });

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse, submitted: boolean): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (!submitted) {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(loginPage(details.uid, [...accounts.values()]));
      return;
    }
    const body = new URLSearchParams(await readBody(req));
    const accountId = body.get("login") ?? "";
    if (!accounts.has(accountId)) throw new Error(`no account ${accountId}`);
    logins.push(accountId);
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    logins,
    setGroups: (id, groups) => {
      accounts.get(id)!.groups = groups;
    },
    removeAccount: (id) => void accounts.delete(id),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function loginPage(uid: string, accounts: TestAccount[]): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const buttons = accounts
    .map((a) => `<li><button type="submit" name="login" value="${escape(a.id)}">${escape(a.name)}</button></li>`)
    .join("");
  return `<!doctype html><html><head><title>Test identity provider</title></head><body><h1>Test identity provider: sign in</h1><form method="post" action="/interaction/${escape(uid)}/login"><ul>${buttons}</ul></form></body></html>`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) req.destroy(new Error("body too large"));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}
