import type { PrismaClient } from "@/lib/db/generated/client";
import { recordAudit } from "./audit";
import { replaceTeams } from "./external-user";
import { readForgeGroups } from "./forge-sign-in";
import type { GroupsReading } from "./groups-reading";
import { readOidcGroups } from "./oidc-sign-in";
import { signInSettings, type SignInSettings } from "./sign-in-config";
import { openGrant, sealGrant, tokenKey, TokenVaultError, type ProviderGrant } from "./token-vault";
import { errorMessage, log } from "@/lib/observability/log";

// The scheduled half of "teams from the identity provider": for everyone whose provider tokens are
// kept (sealed), the groups are read again from the provider without them, so leaving a group at the
// provider takes the Ferry team away within minutes rather than at the next sign-in. The group policy
// is then applied to the new groups by reapply-policy.ts, which audits each change of role or team.
//
// - The provider refuses (grant revoked, account removed): provider-derived groups, role and teams go,
//   the tokens are dropped and every session of the person ends (audited `user.groups-revoked`).
// - The provider does not answer: nothing changes; the run is audited as skipped, once per provider,
//   and its other people are not tried again this run (each would wait for the same timeout).

export type GroupsReader = (provider: string, grant: ProviderGrant, externalId: string) => Promise<GroupsReading> | null;

export interface GroupRefreshResult {
  /** Users whose groups were read (changed or not). */
  read: string[];
  /** Users whose groups differ from before. */
  changed: { userId: string; from: string[]; to: string[] }[];
  revoked: { userId: string; reason: string; sessionsEnded: number }[];
  /** Users left as they were because their provider did not answer, by provider. */
  skipped: Record<string, string[]>;
}

/** The provider reads the settings enable: a stored grant of a provider no longer configured is left alone. */
export function groupsReaderFor(settings: SignInSettings): GroupsReader {
  return (provider, grant, externalId) => {
    if (provider === "oidc" && settings.oidc) return readOidcGroups(settings.oidc, grant, externalId);
    if (provider === "github" && settings.github) return readForgeGroups(settings.github, grant);
    if (provider === "gitlab" && settings.gitlab) return readForgeGroups(settings.gitlab, grant);
    return null;
  };
}

export async function refreshProviderGroups(prisma: PrismaClient, key: Buffer, read: GroupsReader, now: Date = new Date()): Promise<GroupRefreshResult> {
  const users = await prisma.user.findMany({
    where: { providerGrant: { not: null }, provider: { in: ["oidc", "github", "gitlab"] } },
    select: { id: true, provider: true, groups: true, providerGrant: true },
    orderBy: { id: "asc" },
  });
  const result: GroupRefreshResult = { read: [], changed: [], revoked: [], skipped: {} };
  const down = new Map<string, string>();
  for (const user of users) {
    const provider = user.provider!;
    const externalId = user.id.slice(provider.length + 1);
    const skip = (reason: string) => {
      (result.skipped[provider] ??= []).push(user.id);
      if (!down.has(provider)) down.set(provider, reason);
    };
    if (down.has(provider)) {
      skip(down.get(provider)!);
      continue;
    }
    let grant: ProviderGrant;
    try {
      grant = openGrant(key, user.id, user.providerGrant!);
    } catch (error) {
      if (!(error instanceof TokenVaultError)) throw error;
      // Sealed under another key (it was rotated): unusable, but not the person's fault; the next sign-in stores a new one.
      log("warn", "a kept provider token cannot be opened; the groups are refreshed from the next sign-in", { user: user.id, error: error.message });
      await prisma.user.update({ where: { id: user.id }, data: { providerGrant: null } });
      continue;
    }
    const reading = await read(provider, grant, externalId);
    if (!reading) continue;
    if (reading.kind === "unreachable") {
      skip(reading.reason);
      continue;
    }
    if (reading.kind === "revoked") {
      result.revoked.push(await revoke(prisma, user.id, user.groups, reading.reason, now));
      continue;
    }
    result.read.push(user.id);
    const before = [...user.groups].sort();
    const after = [...reading.groups].sort();
    await prisma.user.update({ where: { id: user.id }, data: { groups: after, providerGrant: sealGrant(key, user.id, reading.grant), groupsRefreshedAt: now } });
    if (before.join("\n") === after.join("\n")) continue;
    const change = { userId: user.id, from: before, to: after };
    result.changed.push(change);
    const added = after.filter((g) => !before.includes(g));
    const removed = before.filter((g) => !after.includes(g));
    await recordAudit(prisma, {
      actor: null,
      action: "user.groups-refresh",
      resourceType: "user",
      resourceId: user.id,
      result: "ok",
      message: `${provider} now reports ${user.id}'s groups as ${after.length ? after.join(", ") : "none"}${added.length ? `; joined ${added.join(", ")}` : ""}${removed.length ? `; left ${removed.join(", ")}` : ""}`,
      details: change,
    });
  }
  for (const [provider, reason] of down) {
    const skipped = result.skipped[provider]!;
    log("warn", "the provider did not answer: the groups stay as they were", { provider, reason, users: skipped.length });
    await recordAudit(prisma, {
      actor: null,
      action: "user.groups-refresh",
      resourceType: "provider",
      resourceId: provider,
      result: "error",
      message: `skipped: ${provider} could not be reached (${reason}); the groups, roles and teams of ${skipped.length} ${skipped.length === 1 ? "person" : "people"} are unchanged`,
      details: { users: skipped },
    });
  }
  return result;
}

/** The provider no longer vouches for the person: what it gave goes, and so do their sessions. */
async function revoke(prisma: PrismaClient, userId: string, groups: string[], reason: string, now: Date): Promise<{ userId: string; reason: string; sessionsEnded: number }> {
  const sessionsEnded = await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { groups: [], grants: [], role: "VIEWER", providerGrant: null, groupsRefreshedAt: now } });
    await replaceTeams(tx, userId, []);
    return (await tx.session.deleteMany({ where: { userId } })).count;
  });
  await recordAudit(prisma, {
    actor: null,
    action: "user.groups-revoked",
    resourceType: "user",
    resourceId: userId,
    result: "ok",
    message: `the provider refused to refresh ${userId}'s sign-in (${reason}): their groups (${groups.join(", ") || "none"}), role and teams were removed and ${sessionsEnded} session${sessionsEnded === 1 ? "" : "s"} ended`,
    details: { groups, sessionsEnded },
  });
  return { userId, reason, sessionsEnded };
}

/** The worker's group refresh from the configuration as it is now; nothing to do without a key (no tokens are kept then). */
export async function refreshGroupsFromConfig(prisma: PrismaClient, env?: Record<string, string | undefined>): Promise<GroupRefreshResult | null> {
  let settings: SignInSettings;
  let key: Buffer | null;
  try {
    settings = signInSettings(env);
    key = tokenKey(env);
  } catch (error) {
    log("warn", "group membership was not refreshed", { error: errorMessage(error) });
    return null;
  }
  if (!key) return null;
  const result = await refreshProviderGroups(prisma, key, groupsReaderFor(settings));
  for (const c of result.changed) log("info", "groups read from the provider", { user: c.userId, from: c.from, to: c.to });
  for (const r of result.revoked) log("info", "the provider refused: provider access removed", { user: r.userId, reason: r.reason, sessions_ended: r.sessionsEnded });
  return result;
}
