// POSIX path helpers for repo-relative paths. The tree never has a leading "/" and the root is "".

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

export function basename(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}

export function segments(path: string): string[] {
  return path === "" ? [] : path.split("/");
}

/**
 * Join `rel` onto `dir` and normalise `.`/`..`. Returns null when the result escapes the repo root,
 * which is how a hostile `../../..` is refused.
 */
export function joinInRepo(dir: string, rel: string): string | null {
  const out = rel.startsWith("/") ? [] : segments(dir);
  for (const part of rel.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join("/");
}

/** `./apps/staging/` → `apps/staging`; null when it escapes the root. */
export function normalizeRepoPath(path: string): string | null {
  return joinInRepo("", path);
}

export function isUnder(path: string, dir: string): boolean {
  return dir === "" || path === dir || path.startsWith(`${dir}/`);
}

export function extname(path: string): string {
  const base = basename(path);
  const i = base.lastIndexOf(".");
  return i <= 0 ? "" : base.slice(i);
}

export function isYamlPath(path: string): boolean {
  return path.endsWith(".yaml") || path.endsWith(".yml");
}

/** `path` as a kustomization entry relative to `dir` (`path` is `dir` or below it). */
export function relativeEntry(dir: string, path: string): string {
  if (path === dir) return ".";
  return dir === "" ? path : path.slice(dir.length + 1);
}
