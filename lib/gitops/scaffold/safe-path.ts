// Every write Ferry scaffolds must land inside the repository, as a regular file: no absolute
// paths, no `.`/`..` segments, nothing in .git, and nothing under (or onto) a symbolic link, which
// could point anywhere once checked out.

/** Why `path` may not be written, or null when it may. `symlinks` are the tree's mode-120000 paths. */
export function unsafePathReason(path: string, symlinks: ReadonlySet<string> = new Set()): string | null {
  if (path.length === 0) return "the path is empty";
  if (path.startsWith("/")) return `"${path}" is absolute: writes stay inside the repository`;
  if (path.includes("\\")) return `"${path}" contains a backslash`;
  if (/[\u0000-\u001f\u007f]/.test(path)) return `"${path.replace(/[\u0000-\u001f\u007f]/g, "?")}" contains control characters`;
  const segs = path.split("/");
  for (const seg of segs) {
    if (seg === "") return `"${path}" has an empty segment ("//" or a trailing "/")`;
    if (seg === "." || seg === "..") return `"${path}" contains "${seg}": writes stay inside the repository`;
    if (seg.toLowerCase() === ".git") return `"${path}" points into .git`;
  }
  for (let i = 1; i <= segs.length; i++) {
    const prefix = segs.slice(0, i).join("/");
    if (symlinks.has(prefix)) return i === segs.length ? `"${path}" is a symbolic link, not a file Ferry can write` : `"${path}" is under "${prefix}", which is a symbolic link`;
  }
  return null;
}

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}
