import { App } from "octokit";
import { readSecret } from "@/lib/config/secrets";
import { octokitClass, type CreateOctokitOptions, type Octokit } from "./client";

// How Ferry authenticates to GitHub: as a GitHub App installation (preferred: short-lived tokens,
// per-repository permissions) or with a personal/fine-grained token. Tokens live only in memory on
// the repository client and in Authorization headers: never in messages, logs or the database.

export type GitHubCredentials =
  | { kind: "token"; token: string }
  | { kind: "app"; appId: string; privateKey: string };

export class GitHubCredentialsError extends Error {
  override readonly name = "GitHubCredentialsError";
}

/** FERRY_GITHUB_APP_ID + FERRY_GITHUB_APP_PRIVATE_KEY win over FERRY_GITHUB_TOKEN (each also as `*_FILE`). */
export function credentialsFromEnv(env: Record<string, string | undefined> = process.env): GitHubCredentials {
  const appId = readSecret("FERRY_GITHUB_APP_ID", env)?.trim();
  const privateKey = readSecret("FERRY_GITHUB_APP_PRIVATE_KEY", env);
  if (appId && privateKey) return { kind: "app", appId, privateKey: normalisePem(privateKey) };
  if (appId || privateKey) {
    throw new GitHubCredentialsError("GitHub App authentication needs both FERRY_GITHUB_APP_ID and FERRY_GITHUB_APP_PRIVATE_KEY (or FERRY_GITHUB_APP_PRIVATE_KEY_FILE).");
  }
  const token = readSecret("FERRY_GITHUB_TOKEN", env)?.trim();
  if (token) return { kind: "token", token };
  throw new GitHubCredentialsError("No GitHub credentials: set FERRY_GITHUB_APP_ID and FERRY_GITHUB_APP_PRIVATE_KEY for a GitHub App, or FERRY_GITHUB_TOKEN.");
}

/** Keys pasted into one-line env vars often carry literal "\n". */
function normalisePem(key: string): string {
  return key.includes("\\n") && !key.includes("\n") ? key.replace(/\\n/g, "\n") : key;
}

/** Supplies the token for each request; refreshable sources mint a new one after a 401. */
export interface TokenSource {
  token(): Promise<string>;
  /** Forget `rejected` (the forge answered 401 with it). False when there is nothing to refresh. */
  invalidate(rejected: string): boolean;
}

export class StaticToken implements TokenSource {
  constructor(private readonly value: string) {}
  async token(): Promise<string> {
    return this.value;
  }
  invalidate(): boolean {
    return false;
  }
}

/** Installation tokens live one hour; a token this close to its end is replaced before use. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

export interface InstallationTokensOptions extends CreateOctokitOptions {
  appId: string;
  privateKey: string;
  owner: string;
  repo: string;
  now?: () => number;
}

/**
 * Installation tokens of one repository, minted through octokit's `App` (createAppAuth signs the
 * JWT) and cached on this instance. The installation id is looked up once
 * (`GET /repos/{owner}/{repo}/installation`); tokens are scoped to this one repository, so a leaked
 * token cannot touch the installation's other repositories.
 */
export class InstallationTokens implements TokenSource {
  private readonly app: App;
  private readonly now: () => number;
  private installationId: number | null = null;
  private current: { token: string; expiresAt: number } | null = null;
  private minting: Promise<string> | null = null;

  constructor(private readonly options: InstallationTokensOptions) {
    this.now = options.now ?? Date.now;
    this.app = new App({ appId: options.appId, privateKey: options.privateKey, Octokit: octokitClass(options) });
  }

  async token(): Promise<string> {
    if (this.current && this.now() < this.current.expiresAt - REFRESH_BEFORE_EXPIRY_MS) return this.current.token;
    // Concurrent requests share one mint.
    this.minting ??= this.mint().finally(() => (this.minting = null));
    return this.minting;
  }

  invalidate(rejected: string): boolean {
    if (this.current?.token === rejected) this.current = null;
    return true;
  }

  private async mint(): Promise<string> {
    const { owner, repo } = this.options;
    if (this.installationId === null) {
      const { data } = await this.app.octokit.request("GET /repos/{owner}/{repo}/installation", { owner, repo });
      this.installationId = data.id;
    }
    // refresh: our own cache decides when a token is too old; octokit's would hand back a token
    // up to 59 minutes old, which could expire in the middle of a sync.
    const auth: unknown = await this.app.octokit.auth({ type: "installation", installationId: this.installationId, repositoryNames: [repo], refresh: true });
    const { token, expiresAt } = readInstallationAuth(auth);
    this.current = { token, expiresAt: Date.parse(expiresAt) };
    return token;
  }
}

function readInstallationAuth(auth: unknown): { token: string; expiresAt: string } {
  if (typeof auth === "object" && auth !== null && "token" in auth && "expiresAt" in auth) {
    const { token, expiresAt } = auth;
    if (typeof token === "string" && typeof expiresAt === "string") return { token, expiresAt };
  }
  throw new GitHubCredentialsError("GitHub did not return an installation token.");
}

/**
 * Puts the token on every request of `octokit`; after a 401 (an expired or revoked installation
 * token) a refreshable source mints a new token and the request is sent once more.
 * Registered after construction, so it wraps the retry and throttling plugins.
 */
export function authenticateWith(octokit: Octokit, source: TokenSource): void {
  octokit.hook.wrap("request", async (request, options) => {
    // before-after-hook binds the same options object to every wrapped hook: set the header on it
    // (a copy passed to request() would be ignored by the inner plugins).
    const token = await source.token();
    options.headers.authorization = `token ${token}`;
    try {
      return await request(options);
    } catch (error) {
      if (statusOf(error) !== 401 || !source.invalidate(token)) throw error;
      options.headers.authorization = `token ${await source.token()}`;
      return request(options);
    }
  });
}

export function statusOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "status" in error && typeof error.status === "number") return error.status;
  return undefined;
}
