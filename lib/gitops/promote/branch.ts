const MAX_BRANCH = 250;

/** One path segment reduced to `[a-z0-9-]`: git-ref safe on every forge, readable, never empty. */
function segment(raw: string, fallback: string): string {
  const ascii = raw.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const cleaned = ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return cleaned || fallback;
}

/**
 * Deterministic branch of the one promotion change request per (app, target env), so planning again updates
 * it instead of opening another. Only `[a-z0-9-/]`, which rules out `..`, `~^:?*[\`, spaces, `@{` and a
 * trailing `.lock` or `/`; capped at 250 characters.
 */
export function promotionBranch(app: string, env: string): string {
  const prefix = "ferry/promote/";
  const a = segment(app, "app");
  const e = segment(env, "env");
  const branch = `${prefix}${a}/${e}`;
  if (branch.length <= MAX_BRANCH) return branch;
  // Truncated names must stay distinct: keep a hash of the full pair at the end.
  const hash = fnv1a(`${app}\u0000${env}`);
  const half = Math.floor((MAX_BRANCH - prefix.length - hash.length - 2) / 2);
  const trim = (s: string) => s.slice(0, half).replace(/-+$/, "") || "x";
  return `${prefix}${trim(a)}/${trim(e)}-${hash}`;
}

/** A short stable hash for branch names (FNV-1a, 32 bits). */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
