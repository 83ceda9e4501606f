import ignore from "ignore";

// GitHub's CODEOWNERS (docs.github.com › "About code owners"), as pure functions: the file GitHub
// uses, its rules, and who owns a set of changed paths. Patterns follow .gitignore rules, which the
// `ignore` package implements exactly (anchoring, `dir/` owning everything below, `*` not crossing
// "/", `**`) — the reason it is used instead of a glob matcher that would need those rules rebuilt.
// GitHub leaves out three .gitignore features (a leading `!`, `[ ]` ranges, `\#` escapes): such a
// line is an error on GitHub and is skipped here too. Paths are case-sensitive.

/** Where GitHub looks, in this order; the first one present is the one that counts. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

export interface CodeOwnersRule {
  pattern: string;
  /** `@user`, `@org/team` or an e-mail address; empty: the pattern's paths have no owner. */
  owners: string[];
  line: number;
}

export interface CodeOwnersFile {
  rules: CodeOwnersRule[];
  /** Lines GitHub would reject, with why: shown to operators, never fatal. */
  skipped: { line: number; reason: string }[];
}

/** Reviewers to request: user logins, and team slugs of the repository's own organisation. */
export interface Reviewers {
  users: string[];
  teams: string[];
}

/** The path of the CODEOWNERS file GitHub would use among `paths` (a tree listing), or null. */
export function codeOwnersPath(paths: Iterable<string>): string | null {
  const present = new Set(paths);
  return CODEOWNERS_PATHS.find((p) => present.has(p)) ?? null;
}

export function parseCodeOwners(text: string): CodeOwnersFile {
  const rules: CodeOwnersRule[] = [];
  const skipped: CodeOwnersFile["skipped"] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const tokens = trimmed.split(/\s+/);
    const hash = tokens.findIndex((t) => t.startsWith("#"));
    const [pattern, ...owners] = hash === -1 ? tokens : tokens.slice(0, hash);
    if (!pattern) return;
    if (pattern.startsWith("!")) return void skipped.push({ line, reason: "negation (!) is not supported in CODEOWNERS" });
    if (/[[\]]/.test(pattern)) return void skipped.push({ line, reason: "character ranges ([ ]) are not supported in CODEOWNERS" });
    if (pattern.startsWith("\\#")) return void skipped.push({ line, reason: "escaped # is not supported in CODEOWNERS" });
    const bad = owners.find((o) => !isOwner(o));
    if (bad !== undefined) return void skipped.push({ line, reason: `"${bad}" is not an @user, @org/team or e-mail address` });
    rules.push({ pattern, owners, line });
  });
  return { rules, skipped };
}

/** The owners of one path: those of the last rule that matches it (none when no rule does). */
export function ownersOf(file: CodeOwnersFile, path: string): string[] {
  for (let i = file.rules.length - 1; i >= 0; i--) {
    const rule = file.rules[i]!;
    if (matches(rule.pattern, path)) return rule.owners;
  }
  return [];
}

/**
 * Whom to ask for a review of a change to `paths`: every owner of any of them, users by login and
 * teams by slug (GitHub's requested_reviewers API takes a team's slug, in the repository's own
 * organisation: a team of another organisation cannot review here and is left out). E-mail owners
 * cannot be requested by address and are left out too; `exclude` (the pull request's author) as well.
 */
export function reviewersFor(file: CodeOwnersFile, paths: readonly string[], org: string, exclude: readonly string[] = []): Reviewers {
  const users = new Set<string>();
  const teams = new Set<string>();
  const excluded = new Set(exclude.map((l) => l.toLowerCase()));
  for (const path of paths) {
    for (const owner of ownersOf(file, path)) {
      if (!owner.startsWith("@")) continue;
      const name = owner.slice(1);
      const slash = name.indexOf("/");
      if (slash === -1) {
        if (!excluded.has(name.toLowerCase())) users.add(name);
      } else if (name.slice(0, slash).toLowerCase() === org.toLowerCase()) {
        teams.add(name.slice(slash + 1));
      }
    }
  }
  return { users: [...users].sort(), teams: [...teams].sort() };
}

const matchers = new Map<string, ReturnType<typeof ignore>>();

function matches(pattern: string, path: string): boolean {
  let matcher = matchers.get(pattern);
  if (!matcher) {
    matcher = ignore({ ignorecase: false }).add(pattern);
    // Patterns come from repositories' files: keep the cache bounded.
    if (matchers.size >= 2000) matchers.clear();
    matchers.set(pattern, matcher);
  }
  return matcher.ignores(path.replace(/^\/+/, ""));
}

function isOwner(token: string): boolean {
  return /^@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\/[A-Za-z0-9_.-]+)?$/.test(token) || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(token);
}
