// Where a configured GitHub repository lives: owner/name from its web address, and the REST API
// base for its server. github.com is served by api.github.com; GitHub Enterprise Server serves the
// API under `<origin>/api/v3`. FERRY_GITHUB_API_URL overrides both (proxies, GHE.com data residency).

export interface GitHubLocation {
  owner: string;
  repo: string;
  /** Web origin, e.g. https://github.com (no trailing slash). */
  webOrigin: string;
  /** REST base, e.g. https://api.github.com or https://ghe.example.com/api/v3 (no trailing slash). */
  apiBaseUrl: string;
  /** Host named in error messages (never a token). */
  apiHost: string;
}

export class GitHubLocationError extends Error {
  override readonly name = "GitHubLocationError";
}

/** Parses `https://github.com/<owner>/<repo>` (also with `.git`, a trailing slash or `/tree/...`). */
export function parseGitHubUrl(url: string, apiUrlOverride?: string): GitHubLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GitHubLocationError(`"${url}" is not a GitHub repository address (expected https://github.com/<owner>/<repo>).`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new GitHubLocationError(`"${parsed.protocol}" is not supported for GitHub repositories: use the https address.`);
  }
  const [owner, rawRepo] = parsed.pathname.split("/").filter(Boolean);
  const repo = rawRepo?.replace(/\.git$/i, "");
  if (!owner || !repo || !NAME.test(owner) || !NAME.test(repo)) {
    throw new GitHubLocationError(`"${parsed.origin}${parsed.pathname}" does not name a repository (expected ${parsed.origin}/<owner>/<repo>).`);
  }
  const webOrigin = parsed.origin;
  const apiBaseUrl = (apiUrlOverride?.trim() || defaultApiBase(parsed)).replace(/\/+$/, "");
  return { owner, repo, webOrigin, apiBaseUrl, apiHost: new URL(apiBaseUrl).host };
}

/** Owner and repository names GitHub allows: letters, digits, "-", "_", "." (never "/" or ".."). */
const NAME = /^(?!\.\.?$)[A-Za-z0-9_.-]{1,100}$/;

function defaultApiBase(web: URL): string {
  const host = web.hostname.toLowerCase();
  if (host === "github.com" || host === "www.github.com") return "https://api.github.com";
  return `${web.origin}/api/v3`;
}

/**
 * A comparable form of a repository web address: lower-case host and path (GitHub names are
 * case-insensitive), no credentials, no `.git`, no trailing slash, only `<owner>/<repo>`.
 * Returns null for something that is not such an address.
 */
export function normaliseRepositoryUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const [owner, rawRepo] = parsed.pathname.split("/").filter(Boolean);
  const repo = rawRepo?.replace(/\.git$/i, "");
  if (!owner || !repo) return null;
  const host = parsed.hostname.toLowerCase() === "www.github.com" ? "github.com" : parsed.host.toLowerCase();
  return `${host}/${owner}/${repo}`.toLowerCase();
}
