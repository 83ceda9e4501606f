import type { Role } from "@/lib/db/generated/enums";

/**
 * The group policy file (FERRY_POLICY_FILE), in the style of Argo CD's policy.csv: one `g` line per
 * grant, mapping a group the identity provider reports to a Ferry role or team.
 *
 *   # who administers Ferry
 *   g, oidc:platform-admins, role:admin
 *   g, github:acme/payments, team:payments
 *   g, gitlab:acme/payments, team:payments
 *
 * It only says who is what; lib/auth/policy.ts still decides what each role and team may do.
 * Pure: parsing and mapping need no file system, so every rule form is unit-tested.
 */

/** The identity providers whose groups a rule can name: `oidc:<group>`, `github:<org>/<team>`, `gitlab:<group path>`. */
export const GROUP_SOURCES = ["oidc", "github", "gitlab"] as const;
export type GroupSource = (typeof GROUP_SOURCES)[number];

export type Grant = { kind: "role"; role: Role } | { kind: "team"; team: string };

export interface GroupRule {
  /** `oidc:platform-admins`, as written (the source is lower-cased). */
  group: string;
  grant: Grant;
  /** 1-based line in the file, shown on the admin page as "why". */
  line: number;
  /** The line as written, trimmed. */
  text: string;
}

export interface PolicyFileError {
  line: number;
  message: string;
}

export interface GroupPolicy {
  rules: GroupRule[];
  errors: PolicyFileError[];
}

/** Why someone holds a role or a team: the group they are in and the rule that maps it. */
export interface Membership {
  grant: string;
  group: string;
  line: number;
  rule: string;
}

export interface MappedAccess {
  role: Role;
  teams: string[];
  /** Every rule that matched, in file order: the admin page's "why". */
  because: Membership[];
}

const ROLES: Record<string, Role> = { admin: "ADMIN", developer: "DEVELOPER", viewer: "VIEWER" };
const RANK: Record<Role, number> = { VIEWER: 0, DEVELOPER: 1, ADMIN: 2 };
// Team names as the repositories' config and the Team table spell them.
const TEAM_NAME = /^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$/;

export const EMPTY_POLICY: GroupPolicy = { rules: [], errors: [] };

/** Parses the file; a bad line is reported with its number and grants nothing, the others still count. */
export function parseGroupPolicy(text: string): GroupPolicy {
  const rules: GroupRule[] = [];
  const errors: PolicyFileError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const parsed = parseLine(trimmed);
    if ("message" in parsed) errors.push({ line, message: parsed.message });
    else rules.push({ ...parsed, line, text: trimmed });
  });
  return { rules, errors };
}

function parseLine(line: string): { group: string; grant: Grant } | { message: string } {
  const fields = splitCsv(line);
  if (!fields) return { message: "unbalanced double quote" };
  const [kind, subject, object] = fields;
  if (kind === "p") return { message: "`p` lines are not supported: Ferry's permissions per role are fixed; map groups to roles and teams with `g` lines" };
  if (kind !== "g") return { message: `a line starts with "g" (group grant), not "${kind}"` };
  if (fields.length !== 3 || !subject || !object) {
    return { message: `a grant has three fields, "g, <source>:<group>, role:<role>|team:<team>", this one has ${fields.length}` };
  }
  const group = parseGroup(subject);
  if ("message" in group) return group;
  const grant = parseGrant(object);
  if ("message" in grant) return grant;
  return { group: group.group, grant };
}

function parseGroup(subject: string): { group: string } | { message: string } {
  const colon = subject.indexOf(":");
  const source = colon > 0 ? subject.slice(0, colon).toLowerCase() : "";
  const name = subject.slice(colon + 1);
  if (!(GROUP_SOURCES as readonly string[]).includes(source)) {
    return { message: `"${subject}" names no identity provider: write oidc:<group>, github:<org>/<team> or gitlab:<group>` };
  }
  if (name === "") return { message: `"${subject}" names no group` };
  if (source === "github" && !/^[^/\s]+\/[^/\s]+$/.test(name)) return { message: `"${subject}": a GitHub team is written github:<org>/<team-slug>` };
  return { group: `${source}:${name}` };
}

function parseGrant(object: string): Grant | { message: string } {
  const [kind, value = ""] = splitOnce(object, ":");
  if (kind === "role") {
    const role = ROLES[value.toLowerCase()];
    return role ? { kind: "role", role } : { message: `unknown role "${value}": use role:admin, role:developer or role:viewer` };
  }
  if (kind === "team") {
    return TEAM_NAME.test(value) ? { kind: "team", team: value } : { message: `"${value}" is not a team name (lower-case letters, digits, ".", "_", "-")` };
  }
  return { message: `"${object}" grants nothing: write role:<admin|developer|viewer> or team:<name>` };
}

/**
 * Fields of one CSV line: commas separate, spaces around fields are dropped, a field in double quotes
 * may hold commas ("" is a quote). Null when a quote is left open.
 */
function splitCsv(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === " " || line[i] === "\t") i++;
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else field += line[i++];
      }
      while (i < line.length && line[i] !== ",") i++;
    } else {
      const end = line.indexOf(",", i);
      field = (end === -1 ? line.slice(i) : line.slice(i, end)).trim();
      i = end === -1 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at === -1 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * What a person's groups grant. Groups come prefixed with their source (`oidc:platform-admins`) and are
 * matched exactly. The role is the highest one granted; being in a team makes a viewer a developer
 * (a team is granted to work in it). With no matching rule: a viewer of no team, who can read but
 * change nothing.
 */
export function mapGroups(policy: GroupPolicy, groups: readonly string[]): MappedAccess {
  const held = new Set(groups);
  const because: Membership[] = [];
  let role: Role = "VIEWER";
  const teams = new Set<string>();
  for (const rule of policy.rules) {
    if (!held.has(rule.group)) continue;
    const grant = rule.grant.kind === "role" ? `role:${rule.grant.role.toLowerCase()}` : `team:${rule.grant.team}`;
    because.push({ grant, group: rule.group, line: rule.line, rule: rule.text });
    if (rule.grant.kind === "role") {
      if (RANK[rule.grant.role] > RANK[role]) role = rule.grant.role;
    } else teams.add(rule.grant.team);
  }
  if (teams.size > 0 && role === "VIEWER") role = "DEVELOPER";
  return { role, teams: [...teams].sort(), because };
}

/** The file's errors as one message per line, for start-up and the log. */
export function describePolicyErrors(file: string, errors: readonly PolicyFileError[]): string {
  return errors.map((e) => `${file}:${e.line}: ${e.message}`).join("\n");
}
