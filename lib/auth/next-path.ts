/**
 * Where to send someone after sign-in. Only same-site relative paths are honoured: an absolute or
 * protocol-relative URL (`//evil.example`, `/\evil.example`, which browsers read as `//`) would turn
 * the sign-in page into an open redirect. Pointing back at /signin would loop, so it becomes "/".
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return "/";
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Control characters (tabs and newlines are stripped by URL parsers, turning "/\t/x" into "//x").
  if ([...next].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return "/";
  if (/^\/signin(?:[/?#]|$)/.test(next)) return "/";
  return asciiPath(next);
}

/**
 * The path with every character outside printable ASCII percent-encoded (UTF-8), as a browser sends
 * it: a Location header holding "/apps/ä" is not a valid header, and Next answered 500 for it.
 * A lone surrogate cannot be encoded: "/" then.
 */
function asciiPath(path: string): string {
  try {
    return path.replace(/[^\x20-\x7e]+/gu, (run) => encodeURIComponent(run));
  } catch {
    return "/";
  }
}

/** `/signin?next=<path>`, or plain `/signin` when there is nowhere worth returning to. */
export function signInPath(next: string | null | undefined): string {
  const target = safeNextPath(next);
  return target === "/" ? "/signin" : `/signin?next=${encodeURIComponent(target)}`;
}
