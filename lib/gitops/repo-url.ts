/**
 * A git URL reduced to host and path, so that the spellings GitOps tools accept for one repository compare
 * equal: `https://`, `ssh://git@host:22/`, `git@host:org/repo` (scp style), a user, a trailing `.git` or `/`,
 * any case.
 */
export function repoUrlKey(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .replace(/^[^@/]*@/, "")
    .replace(/^([^/:]+):(\d+\/)?/, "$1/")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
}

/** Whether two URLs name one repository (see repoUrlKey). */
export function sameRepoUrl(a: string, b: string): boolean {
  return repoUrlKey(a) === repoUrlKey(b);
}
