import type { PrismaClient } from "@/lib/db/generated/client";
import type { Role } from "@/lib/db/generated/enums";
import { recordAudit } from "./audit";
import { replaceTeams } from "./external-user";
import { mapGroups, type GroupPolicy } from "./group-policy";
import { errorMessage, log } from "@/lib/observability/log";

// The group policy is applied at sign-in, and again on a schedule to everyone who signed in with an
// identity provider: removing a rule (or a person's group from a rule) takes their access away within
// minutes, not at their next sign-in. Where the provider's tokens are kept, the scheduled run first
// reads the groups themselves again (refresh-groups.ts); otherwise they are those of the last sign-in.

export interface PolicyChange {
  userId: string;
  from: { role: Role; teams: string[] };
  to: { role: Role; teams: string[] };
}

/** Re-maps every external user's stored groups through `policy`; writes and audits only who changed. */
export async function reapplyGroupPolicy(prisma: PrismaClient, policy: GroupPolicy): Promise<{ checked: number; changed: PolicyChange[] }> {
  const users = await prisma.user.findMany({
    where: { provider: { not: null }, NOT: { provider: "demo" } },
    select: { id: true, role: true, groups: true, grants: true, memberships: { select: { team: { select: { name: true } } } } },
    orderBy: { id: "asc" },
  });
  const changed: PolicyChange[] = [];
  for (const user of users) {
    const access = mapGroups(policy, user.groups);
    const teams = user.memberships.map((m) => m.team.name).sort();
    const next = [...access.teams].sort();
    const grants = access.because.map((b) => ({ ...b }));
    if (access.role === user.role && teams.length === next.length && teams.every((t, i) => t === next[i])) {
      // Same access, maybe for other reasons (a rule moved in the file): the admin page's "why" follows.
      if (JSON.stringify(grants) !== JSON.stringify(user.grants ?? [])) await prisma.user.update({ where: { id: user.id }, data: { grants } });
      continue;
    }
    await prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { role: access.role, grants } });
      await replaceTeams(tx, user.id, access.teams);
    });
    const change = { userId: user.id, from: { role: user.role, teams }, to: { role: access.role, teams: next } };
    changed.push(change);
    await recordAudit(prisma, {
      actor: null,
      action: "user.policy-refresh",
      resourceType: "user",
      resourceId: user.id,
      result: "ok",
      message: `the group policy now gives ${user.id} role ${access.role.toLowerCase()} and ${next.length ? `teams ${next.join(", ")}` : "no team"} (was ${user.role.toLowerCase()}, ${teams.length ? teams.join(", ") : "no team"})`,
      details: change,
    });
  }
  return { checked: users.length, changed };
}

/**
 * The scheduled job: the groups read again where that is possible (`refreshGroups`), then the policy
 * file as it is now applied to everyone. A file that cannot be read changes nothing at all.
 */
export async function refreshAccessFromPolicyFile(
  prisma: PrismaClient,
  load: () => { file?: string; policy: GroupPolicy },
  refreshGroups?: () => Promise<unknown>,
): Promise<{ checked: number; changed: PolicyChange[] } | null> {
  let loaded: { file?: string; policy: GroupPolicy };
  try {
    loaded = load();
  } catch (error) {
    log("warn", "the group policy was not re-applied", { error: errorMessage(error) });
    return null;
  }
  await refreshGroups?.();
  if (!loaded.file) return null;
  if (loaded.policy.errors.length) log("warn", "the group policy file has bad lines; they grant nothing", { file: loaded.file, bad_lines: loaded.policy.errors.map((e) => e.line) });
  const result = await reapplyGroupPolicy(prisma, loaded.policy);
  for (const c of result.changed) log("info", "access changed by the group policy", { user: c.userId, from: { role: c.from.role.toLowerCase(), teams: c.from.teams }, to: { role: c.to.role.toLowerCase(), teams: c.to.teams } });
  return result;
}
