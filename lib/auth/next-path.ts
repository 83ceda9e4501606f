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
  return next;
}

/** `/signin?next=<path>`, or plain `/signin` when there is nowhere worth returning to. */
export function signInPath(next: string | null | undefined): string {
  const target = safeNextPath(next);
  return target === "/" ? "/signin" : `/signin?next=${encodeURIComponent(target)}`;
}
