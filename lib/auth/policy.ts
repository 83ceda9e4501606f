import type { Role } from "@/lib/db/generated/enums";
import { ForbiddenError } from "./errors";

/**
 * THE authorization module: every page, server action and API route asks `authorize` and nothing
 * else decides who may do what. It is pure (no I/O) so the whole rule table is unit-tested, and a
 * client component may import it to hide buttons (the server still checks).
 *
 * Choices written down here because the product brief leaves them open:
 * - Reads (`repository.read`, `audit.read`) are open to every signed-in person: the portal shows
 *   what runs where, and the audit log never holds secrets. API tokens may read repositories
 *   (CI needs to look before it promotes) but not the audit log.
 * - `repository.sync` only refreshes the cache from git, but it costs forge API calls, so it is a
 *   write: developers may sync their teams' repositories and shared ones (no team).
 * - A resource with no team (an app not yet assigned) can only be changed by platform admins.
 * - Four eyes: nobody merges a change they authored, unless they are a platform admin (admins
 *   must be able to unblock a platform change when they are the only one around) and the change
 *   alters no protected environment: what reaches a protected environment always needs a second
 *   person, admins included. Closing your own change is fine: it withdraws it and deploys nothing.
 * - A change is judged by every app it alters (`Resource.teams`), not only the one its label names:
 *   a developer merges (or opens) it only as a member of every team whose app it changes, so a shared
 *   base cannot carry one team's promotion into another team's deployment, and a bulk promotion across
 *   teams is merged by someone who belongs to all of them (or an admin).
 * - A change is merged with at least the authority needed to open it (`Resource.openAction`): a
 *   tenant onboarding, which only platform admins may open, is merged only by a platform admin,
 *   not by a developer of the team that owns the repository.
 * - A protected environment (e.g. production) needs `protectedEnvRole` to MERGE a change targeting it.
 *   Opening the promotion (the pull request) is open to the app's team: "Promote to production" is
 *   the developer's button, and the change request is the gate a reviewer with the role passes.
 *   Closing such a change needs no more than team membership.
 * - Who is in which team, with the groups and policy-file rules that put them there (`people.read`),
 *   is for platform admins: group names can say more about an organisation than the portal needs to.
 * - API tokens are team-scoped CI credentials: they may open promotions for their teams and do
 *   nothing else (never merge, never manage tokens).
 */

export type Action =
  | "repository.read"
  | "repository.sync"
  | "deployment.promote"
  | "change.merge"
  | "change.close"
  | "tenant.onboard"
  | "app.create"
  | "token.manage"
  | "people.read"
  | "audit.read";

export const ACTIONS: readonly Action[] = [
  "repository.read",
  "repository.sync",
  "deployment.promote",
  "change.merge",
  "change.close",
  "tenant.onboard",
  "app.create",
  "token.manage",
  "people.read",
  "audit.read",
];

export type { Role };

/** A signed-in person, as `getCurrentUser()` returns it. */
export interface UserActor {
  kind: "user";
  id: string;
  name: string;
  email: string;
  role: Role;
  teams: string[];
}

/** A CI credential created by an admin, bound to teams. `id` is the ApiToken row id as a string. */
export interface TokenActor {
  kind: "token";
  id: string;
  name: string;
  teams: string[];
}

export type Actor = UserActor | TokenActor;

/** What the action touches. `team` null means "belongs to no team"; absent means "not team-scoped". */
export interface Resource {
  team?: string | null;
  /**
   * Every team whose app the change alters, when that is more than `team` (a bulk promotion, or a
   * shared file that feeds another team's app): the actor must be a member of each of them.
   */
  teams?: (string | null)[];
  env?: string;
  protectedEnv?: boolean;
  authorId?: string;
  /** For `change.merge`: the action that opens a change of this kind; merging needs it too. */
  openAction?: OpenAction;
}

/** The actions that open a change request (one per change kind). */
export type OpenAction = "deployment.promote" | "tenant.onboard" | "app.create";

export type Decision = { allowed: true } | { allowed: false; reason: string };

export interface PolicyConfig {
  /** The least role that may promote to, or merge into, a protected environment. */
  protectedEnvRole: Role;
}

export const defaultPolicyConfig: PolicyConfig = { protectedEnvRole: "ADMIN" };

/** `FERRY_PROTECTED_ENV_ROLE=developer|admin` (case-insensitive); anything else is refused loudly. */
export function policyConfigFromEnv(env: Record<string, string | undefined> = process.env): PolicyConfig {
  const raw = env.FERRY_PROTECTED_ENV_ROLE?.trim();
  if (!raw) return defaultPolicyConfig;
  const role = raw.toUpperCase();
  if (role !== "DEVELOPER" && role !== "ADMIN") {
    throw new Error(`FERRY_PROTECTED_ENV_ROLE must be "developer" or "admin", not "${raw}"`);
  }
  return { protectedEnvRole: role };
}

const RANK: Record<Role, number> = { VIEWER: 0, DEVELOPER: 1, ADMIN: 2 };

const ROLE_NAME: Record<Role, string> = { VIEWER: "a viewer", DEVELOPER: "a developer", ADMIN: "a platform admin" };

const ROLE_PLURAL: Record<Role, string> = {
  VIEWER: "signed-in people",
  DEVELOPER: "developers and platform admins",
  ADMIN: "platform admins",
};

/** The verb phrase used in reasons: "<who> cannot <verb>". */
const VERB: Record<Action, string> = {
  "repository.read": "read repositories",
  "repository.sync": "sync repositories",
  "deployment.promote": "promote",
  "change.merge": "merge changes",
  "change.close": "close changes",
  "tenant.onboard": "onboard tenants",
  "app.create": "create apps",
  "token.manage": "manage API tokens",
  "people.read": "see who is in which team and why",
  "audit.read": "read the audit log",
};

const ALLOW: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

export function authorize(
  actor: Actor | null,
  action: Action,
  resource: Resource = {},
  config: PolicyConfig = defaultPolicyConfig,
): Decision {
  if (!actor) return deny(`Sign in to ${VERB[action]}`);
  return actor.kind === "token"
    ? authorizeToken(actor, action, resource)
    : authorizeUser(actor, action, resource, config);
}

/** `authorize`, throwing a ForbiddenError with the reason when refused. */
export function assertAuthorized(
  actor: Actor | null,
  action: Action,
  resource?: Resource,
  config?: PolicyConfig,
): void {
  const decision = authorize(actor, action, resource, config);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}

function authorizeUser(user: UserActor, action: Action, resource: Resource, config: PolicyConfig): Decision {
  if (action === "repository.read" || action === "audit.read") return ALLOW;
  if (action === "change.merge") {
    const refusal = protectedSelfMerge(user, resource);
    if (!refusal.allowed) return refusal;
  }
  if (user.role === "ADMIN") return ALLOW;
  if (user.role === "VIEWER") return deny(`${user.name} is a viewer and cannot ${VERB[action]}`);

  // A developer from here on.
  switch (action) {
    case "tenant.onboard":
    case "token.manage":
    case "people.read":
      return deny(`${user.name} is a developer and cannot ${VERB[action]}: only platform admins may`);
    case "repository.sync":
      if (resource.team == null) return ALLOW;
      return teamCheck(user, action, resource);
    case "app.create":
      return teamCheck(user, action, resource);
    case "deployment.promote":
      return teamCheck(user, action, resource);
    case "change.merge":
      return firstRefusal(
        teamCheck(user, action, resource),
        resource.authorId !== undefined && resource.authorId === user.id
          ? deny(`${user.name} authored this change and cannot merge it: another reviewer must (four eyes)`)
          : ALLOW,
        protectedEnvCheck(user.role, "merge into", resource, config),
        openCheck(user, resource, config),
      );
    case "change.close":
      return teamCheck(user, action, resource);
  }
}

function authorizeToken(token: TokenActor, action: Action, resource: Resource): Decision {
  const who = `API token "${token.name}"`;
  if (action === "repository.read") return ALLOW;
  if (action !== "deployment.promote") return deny(`${who} cannot ${VERB[action]}: tokens may only promote`);
  return teamCheck(token, action, resource);
}

function teamCheck(actor: Actor, action: Action, resource: Resource): Decision {
  const who = actor.kind === "token" ? `API token "${actor.name}"` : actor.name;
  const teams = resource.teams?.length ? resource.teams : resource.team === undefined ? [] : [resource.team];
  if (teams.length === 0) {
    // A team-scoped action without a team is a programming error upstream; refusing is the safe side.
    return deny(`${who} cannot ${VERB[action]}: the resource names no team`);
  }
  if (teams.includes(null)) {
    const what = teams.length > 1 ? "it alters an app that belongs to no team" : "it belongs to no team";
    return deny(`${who} cannot ${VERB[action]}: ${what}, so only platform admins may`);
  }
  const missing = [...new Set(teams.filter((t): t is string => t !== null && !actor.teams.includes(t)))].sort();
  if (missing.length === 0) return ALLOW;
  if (teams.length === 1) return deny(`${who} is not a member of team ${missing[0]}`);
  return deny(`${who} is not a member of team${missing.length > 1 ? "s" : ""} ${missing.join(", ")}, whose app${missing.length > 1 ? "s" : ""} this change also alters`);
}

function protectedEnvCheck(role: Role, verb: string, resource: Resource, config: PolicyConfig): Decision {
  if (!resource.protectedEnv || RANK[role] >= RANK[config.protectedEnvRole]) return ALLOW;
  const env = resource.env ?? "this environment";
  return deny(`${env} is protected: only ${ROLE_PLURAL[config.protectedEnvRole]} may ${verb} it`);
}

/** Four eyes without exception: the author of a change that alters a protected environment never merges it. */
function protectedSelfMerge(user: UserActor, resource: Resource): Decision {
  if (!resource.protectedEnv || resource.authorId === undefined || resource.authorId !== user.id) return ALLOW;
  const env = resource.env ?? "a protected environment";
  return deny(`${user.name} authored this change, which alters ${env}: a protected environment needs a second person to merge it (four eyes, platform admins included)`);
}

/** Merging a change needs what opening it needs: a tenant onboarding is merged by a platform admin. */
function openCheck(user: UserActor, resource: Resource, config: PolicyConfig): Decision {
  if (!resource.openAction) return ALLOW;
  const open = authorizeUser(user, resource.openAction, { team: resource.team, teams: resource.teams }, config);
  if (open.allowed) return ALLOW;
  return deny(`${user.name} cannot merge this change: merging it needs the authority to open it, and ${open.reason}`);
}

function firstRefusal(...decisions: Decision[]): Decision {
  return decisions.find((d) => !d.allowed) ?? ALLOW;
}

/** "a developer", "a platform admin": for the sign-in page and reasons elsewhere. */
export function describeRole(role: Role): string {
  return ROLE_NAME[role];
}
