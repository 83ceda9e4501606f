import { readFileSync } from "node:fs";
import { readSecret } from "@/lib/config/secrets";
import { FerryStartupError } from "@/lib/db/errors";
import { describePolicyErrors, EMPTY_POLICY, parseGroupPolicy, type GroupPolicy } from "./group-policy";
import { publicOrigin } from "./request-origin";
import { withFileSignInConfig } from "./sign-in-file-config";
import { tokenKey } from "./token-vault";

// Which ways to sign in this portal offers, from the environment (and `auth:` in the config file,
// sign-in-file-config.ts). Pure apart from reading the
// secret and policy files, so start-up (scripts/start.ts), the sign-in page and the callback agree.

type Env = Record<string, string | undefined>;

/** A misconfiguration: what is wrong, and what to set. scripts/start.ts prints it as one `ferry:` line. */
export class SignInConfigError extends FerryStartupError {}

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  /** Absent for a public client (PKCE alone); otherwise sent with client_secret_basic. */
  clientSecret?: string;
  scopes: string;
  groupsClaim: string;
  label: string;
  /** `<FERRY_PUBLIC_URL>/signin/oidc/callback`: what the provider must have registered. */
  redirectUri: string;
}

/** Sign-in with GitHub or GitLab (an OAuth app): forge-sign-in.ts. */
export interface ForgeOAuthSettings {
  forge: "github" | "gitlab";
  label: string;
  clientId: string;
  clientSecret: string;
  /** Where people sign in: https://github.com, a GitHub Enterprise Server, https://gitlab.com or a self-managed GitLab. */
  webUrl: string;
  apiUrl: string;
  scopes: string;
  /** `<FERRY_PUBLIC_URL>/signin/<forge>/callback`: the OAuth app's callback URL. */
  redirectUri: string;
}

export interface SignInSettings {
  demo: boolean;
  oidc?: OidcSettings;
  github?: ForgeOAuthSettings;
  gitlab?: ForgeOAuthSettings;
  /** Said loudly at start-up (demo sign-in allowed where it should not be, no policy file). */
  warnings: string[];
}

const REAL_PROVIDERS = ["oidc", "github", "gitlab"] as const;
const NAMES: Record<string, string> = { oidc: "OpenID Connect", github: "GitHub", gitlab: "GitLab" };
const named = (ids: string[]) => ids.map((id) => NAMES[id] ?? id).join(", ");
const KNOWN = new Set<string>(["demo", ...REAL_PROVIDERS]);

/**
 * Whether the operator runs Ferry in production. `next start` sets NODE_ENV=production in every server
 * process, so the launcher (scripts/start.ts) passes on what NODE_ENV was when it was started.
 */
export function isProduction(env: Env = process.env): boolean {
  return (env.FERRY_LAUNCHER_NODE_ENV ?? env.NODE_ENV) === "production";
}

/**
 * FERRY_AUTH lists the ways to sign in (`oidc`, or `demo,oidc`); unset means `oidc` when FERRY_OIDC_ISSUER
 * is set and `demo` otherwise. Demo sign-in (anyone may pick "platform admin") is refused next to a real
 * provider or in production unless FERRY_ALLOW_DEMO_SIGNIN=1, which is then warned about.
 */
export function signInSettings(env: Env = withFileSignInConfig()): SignInSettings {
  const raw = env.FERRY_AUTH?.trim();
  const configured = configuredProviders(env);
  const wanted = raw ? raw.split(",").map((p) => p.trim().toLowerCase()).filter(Boolean) : configured.length ? configured : ["demo"];
  const unknown = wanted.filter((p) => !KNOWN.has(p));
  if (unknown.length || wanted.length === 0) {
    throw new SignInConfigError(`FERRY_AUTH=${JSON.stringify(raw ?? "")} names no sign-in provider Ferry knows (${unknown.join(", ") || "empty"})`, 'set FERRY_AUTH to "oidc", "github" or "gitlab" (comma-separated for several), or unset it for the demo users');
  }
  const warnings: string[] = [];
  const oidc = wanted.includes("oidc") ? oidcSettings(env) : undefined;
  const github = wanted.includes("github") ? forgeSettings("github", env) : undefined;
  const gitlab = wanted.includes("gitlab") ? forgeSettings("gitlab", env) : undefined;
  const real = wanted.filter((p) => p !== "demo");
  const demo = wanted.includes("demo");
  if (demo) {
    const allowed = /^(1|true|yes)$/i.test(env.FERRY_ALLOW_DEMO_SIGNIN?.trim() ?? "");
    const configuredReal = real.length ? `FERRY_AUTH names a real provider (${real.join(", ")})` : configured.length ? `${named(configured)} sign-in is configured` : undefined;
    const why = configuredReal ?? (isProduction(env) ? "NODE_ENV=production" : undefined);
    if (why && !allowed) {
      throw new SignInConfigError(
        `demo sign-in is refused because ${why}: on it anyone may sign in as a platform admin`,
        configuredReal ? `set FERRY_AUTH=${(real.length ? real : configured).join(",")} (without "demo"), or FERRY_ALLOW_DEMO_SIGNIN=1 to offer the demo users anyway` : "configure a real provider (FERRY_AUTH=oidc, FERRY_OIDC_ISSUER, FERRY_OIDC_CLIENT_ID), or set FERRY_ALLOW_DEMO_SIGNIN=1 to run with demo users",
      );
    }
    if (why) warnings.push(`WARNING: demo sign-in is on although ${why} (FERRY_ALLOW_DEMO_SIGNIN=1): anyone who reaches this portal can sign in as a platform admin`);
  }
  if (real.length && !env.FERRY_POLICY_FILE?.trim()) {
    warnings.push(`no FERRY_POLICY_FILE: everyone who signs in with ${named(real)} is a viewer of no team`);
  }
  // Checked here so a bad key stops start-up instead of failing each sign-in (token-vault.ts). Without
  // one, groups are learnt at sign-in only: the README says so, as there is nothing wrong to warn about.
  try {
    tokenKey(env);
  } catch (error) {
    throw new SignInConfigError((error as Error).message, "set FERRY_TOKEN_ENCRYPTION_KEY (or FERRY_TOKEN_ENCRYPTION_KEY_FILE) to the output of `openssl rand -base64 32`, or unset it");
  }
  return { demo, oidc, github, gitlab, warnings };
}

function oidcSettings(env: Env): OidcSettings {
  const issuerRaw = env.FERRY_OIDC_ISSUER?.trim();
  if (!issuerRaw) throw new SignInConfigError("FERRY_AUTH=oidc needs the provider's issuer URL", "set FERRY_OIDC_ISSUER (e.g. https://keycloak.example.com/realms/acme)");
  let issuer: URL;
  try {
    issuer = new URL(issuerRaw);
  } catch {
    throw new SignInConfigError(`FERRY_OIDC_ISSUER=${JSON.stringify(issuerRaw)} is not a URL`, "set FERRY_OIDC_ISSUER to the issuer URL the provider's discovery document names");
  }
  if (issuer.protocol !== "https:" && !isLoopback(issuer)) {
    throw new SignInConfigError(`FERRY_OIDC_ISSUER must be https (plain http only on localhost), not ${issuer.protocol}`, "set FERRY_OIDC_ISSUER to the https issuer URL");
  }
  const clientId = env.FERRY_OIDC_CLIENT_ID?.trim();
  if (!clientId) throw new SignInConfigError("FERRY_AUTH=oidc needs the client id Ferry is registered under", "set FERRY_OIDC_CLIENT_ID (and FERRY_OIDC_CLIENT_SECRET or FERRY_OIDC_CLIENT_SECRET_FILE)");
  const origin = publicOrigin(env);
  if (!origin) throw new SignInConfigError("FERRY_AUTH=oidc needs the portal's own URL to build the callback URL", "set FERRY_PUBLIC_URL (e.g. https://ferry.example.com)");
  let clientSecret: string | undefined;
  try {
    clientSecret = readSecret("FERRY_OIDC_CLIENT_SECRET", env)?.trim() || undefined;
  } catch (error) {
    throw new SignInConfigError((error as Error).message, "point FERRY_OIDC_CLIENT_SECRET_FILE at a readable file, or set FERRY_OIDC_CLIENT_SECRET");
  }
  const groupsClaim = env.FERRY_OIDC_GROUPS_CLAIM?.trim() || "groups";
  return {
    issuer,
    clientId,
    clientSecret,
    scopes: env.FERRY_OIDC_SCOPES?.trim() || "openid profile email groups",
    groupsClaim,
    label: env.FERRY_OIDC_LABEL?.trim() || "single sign-on",
    redirectUri: `${origin}/signin/oidc/callback`,
  };
}

/** The real providers whose variables are set, for FERRY_AUTH's default. */
function configuredProviders(env: Env): string[] {
  return [
    ...(env.FERRY_OIDC_ISSUER?.trim() ? ["oidc"] : []),
    ...(env.FERRY_GITHUB_OAUTH_CLIENT_ID?.trim() ? ["github"] : []),
    ...(env.FERRY_GITLAB_OAUTH_CLIENT_ID?.trim() ? ["gitlab"] : []),
  ];
}

function forgeSettings(forge: "github" | "gitlab", env: Env): ForgeOAuthSettings {
  const prefix = forge === "github" ? "FERRY_GITHUB_OAUTH" : "FERRY_GITLAB_OAUTH";
  const label = forge === "github" ? "GitHub" : "GitLab";
  const clientId = env[`${prefix}_CLIENT_ID`]?.trim();
  let clientSecret: string | undefined;
  try {
    clientSecret = readSecret(`${prefix}_CLIENT_SECRET`, env)?.trim() || undefined;
  } catch (error) {
    throw new SignInConfigError((error as Error).message, `point ${prefix}_CLIENT_SECRET_FILE at a readable file, or set ${prefix}_CLIENT_SECRET`);
  }
  if (!clientId || !clientSecret) throw new SignInConfigError(`FERRY_AUTH=${forge} needs the OAuth app's client id and secret`, `set ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET (or ${prefix}_CLIENT_SECRET_FILE)`);
  const webVar = forge === "github" ? "FERRY_GITHUB_OAUTH_URL" : "FERRY_GITLAB_URL";
  const rawWeb = env[webVar]?.trim() || (forge === "github" ? "https://github.com" : "https://gitlab.com");
  let web: URL;
  try {
    web = new URL(rawWeb);
  } catch {
    throw new SignInConfigError(`${webVar}=${JSON.stringify(rawWeb)} is not a URL`, `set ${webVar} to the ${label} address people sign in at`);
  }
  if (web.protocol !== "https:" && !isLoopback(web)) throw new SignInConfigError(`${webVar} must be https (plain http only on localhost), not ${web.protocol}`, `set ${webVar} to the https address`);
  const origin = publicOrigin(env);
  if (!origin) throw new SignInConfigError(`FERRY_AUTH=${forge} needs the portal's own URL to build the callback URL`, "set FERRY_PUBLIC_URL (e.g. https://ferry.example.com)");
  const webUrl = web.href.replace(/\/+$/, "");
  const apiUrl = forge === "gitlab" ? `${webUrl}/api/v4` : web.hostname === "github.com" ? "https://api.github.com" : `${webUrl}/api/v3`;
  return { forge, label, clientId, clientSecret, webUrl, apiUrl, scopes: forge === "github" ? "read:user read:org" : "read_user read_api", redirectUri: `${origin}/signin/${forge}/callback` };
}

function isLoopback(url: URL): boolean {
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/**
 * The group policy in FERRY_POLICY_FILE, read afresh at every sign-in so an edit applies at the next
 * one. No file configured: no grants. A file that cannot be read throws (sign-in refused rather than
 * everyone silently demoted); bad lines come back in `errors` and grant nothing.
 */
export function loadGroupPolicy(env: Env = withFileSignInConfig()): { file?: string; policy: GroupPolicy } {
  const file = env.FERRY_POLICY_FILE?.trim();
  if (!file) return { policy: EMPTY_POLICY };
  let text: string;
  try {
    text = readFileSync(/*turbopackIgnore: true*/ file, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
    throw new SignInConfigError(`FERRY_POLICY_FILE points at ${file}, which cannot be read (${code})`, "point FERRY_POLICY_FILE at the policy.csv file, or unset it");
  }
  return { file, policy: parseGroupPolicy(text) };
}

/** Start-up's check: the settings and a policy file without errors; throws SignInConfigError otherwise. */
export function checkSignInConfig(env: Env = withFileSignInConfig()): SignInSettings {
  const settings = signInSettings(env);
  const { file, policy } = loadGroupPolicy(env);
  if (file && policy.errors.length) {
    throw new SignInConfigError(`the group policy file has ${policy.errors.length === 1 ? "an error" : `${policy.errors.length} errors`}:\n${describePolicyErrors(file, policy.errors)}`, `fix those lines of ${file}`);
  }
  return settings;
}
