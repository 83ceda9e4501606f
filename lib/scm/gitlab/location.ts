// Where a configured GitLab project lives. The repository URL is the project's web address
// (https://gitlab.com/<group>/<subgroup>/<project>); the API is served by the same origin under
// /api/v4, so self-managed instances need no extra setting. FERRY_GITLAB_URL overrides the base
// (an internal address, or an instance installed under a relative URL such as https://host/gitlab).

export interface GitLabLocation {
  /** Full project path, e.g. "acme/platform/gitops": the API's project id once URL-encoded. */
  projectPath: string;
  /** What gitbeaker calls `host`: the instance base URL (the API is `<host>/api/v4`), no trailing slash. */
  apiBase: string;
  /** Host named in error messages (never a token). */
  apiHost: string;
  /** Web page of the project, no trailing slash. */
  webUrl: string;
}

export class GitLabLocationError extends Error {
  override readonly name = "GitLabLocationError";
}

/** Parses a project web address (also with `.git`, a trailing slash, or `/-/tree/...`). */
export function parseGitLabUrl(url: string, apiUrlOverride?: string): GitLabLocation {
  const web = parseHttpUrl(url, `"${url}" is not a GitLab project address (expected https://gitlab.com/<group>/<project>).`);
  const override = apiUrlOverride?.trim() ? parseHttpUrl(apiUrlOverride.trim(), `FERRY_GITLAB_URL "${apiUrlOverride}" is not an http(s) URL.`) : null;

  let pathname = web.pathname;
  // An instance under a relative URL: the project path starts after the override's own path.
  const prefix = override ? trimSlashes(override.pathname) : "";
  if (prefix && override && override.host === web.host && trimSlashes(pathname).startsWith(`${prefix}/`)) {
    pathname = trimSlashes(pathname).slice(prefix.length);
  }
  const dash = pathname.indexOf("/-/");
  if (dash >= 0) pathname = pathname.slice(0, dash);
  const projectPath = trimSlashes(pathname).replace(/\.git$/i, "");
  const segments = projectPath.split("/");
  if (segments.length < 2 || !segments.every((s) => SEGMENT.test(s))) {
    throw new GitLabLocationError(`"${web.origin}${web.pathname}" does not name a project (expected ${web.origin}/<group>/<project>).`);
  }
  const apiBase = override ? `${override.origin}${prefix ? `/${prefix}` : ""}` : web.origin;
  const webBase = override && prefix && override.host === web.host ? `${web.origin}/${prefix}` : web.origin;
  return { projectPath, apiBase, apiHost: new URL(apiBase).host, webUrl: `${webBase}/${projectPath}` };
}

/**
 * A comparable form of a project address (host + path, lower case, no `.git` or trailing slash), so
 * a webhook's `project.web_url` finds the configured repository. Null when it is not a URL.
 */
export function normaliseProjectUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    const dash = parsed.pathname.indexOf("/-/");
    const path = trimSlashes(dash >= 0 ? parsed.pathname.slice(0, dash) : parsed.pathname).replace(/\.git$/i, "");
    return path ? `${parsed.host}/${path}`.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** Group and project path segments GitLab allows (no "..", no empty segment). */
const SEGMENT = /^(?!\.\.?$)[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}$/;

function parseHttpUrl(text: string, problem: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new GitLabLocationError(problem);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new GitLabLocationError(problem);
  return parsed;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}
