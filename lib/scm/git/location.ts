// Where a git repository lives: a directory on this machine (read in place) or a remote URL
// (read from a bare mirror clone in the cache directory, refreshed with `git fetch`).

export type GitLocation = { kind: "local"; path: string } | { kind: "remote"; url: string };

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
// scp-like syntax: git@github.com:acme/repo.git (a colon before any slash).
const SCP_LIKE = /^[^/:]+:(?!\/\/)/;

export function parseGitLocation(url: string): GitLocation {
  if (URL_SCHEME.test(url)) return { kind: "remote", url };
  if (SCP_LIKE.test(url)) return { kind: "remote", url };
  return { kind: "local", path: url };
}

/** Removes credentials from URLs (in a URL or in a whole message) before they are shown or logged. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, "$1***@");
}
