import { z } from "zod";
import { defineAction } from "@/lib/actions/action";
import { recordId } from "@/lib/actions/input";
import type { OpenAction, Resource } from "@/lib/auth/policy";
import { closeChange, mergeChange } from "@/lib/changes/review-change";
import { describeActors } from "@/lib/data/changes";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ChangeKind } from "@/lib/db/generated/enums";

const input = z.object({ id: recordId });

/** Merge says which version of the change was reviewed: the head commit and plan digest the page showed. */
const mergeInput = z.object({
  id: recordId,
  headSha: z.string().regex(/^(|[0-9a-f]{40}|[0-9a-f]{64})$/, "must be the full commit id the change page showed"),
  planDigest: z.string().regex(/^[0-9a-f]{64}$/, "must be the plan digest the change page showed"),
});

const OPEN_ACTION: Record<ChangeKind, OpenAction> = { PROMOTION: "deployment.promote", TENANT: "tenant.onboard", APP: "app.create" };

/**
 * What a merge is judged by: the app's team, and every environment the change alters (recorded when it
 * was planned), not only the one its label names. A protected environment anywhere in it protects the merge.
 */
export async function changeResource(prisma: PrismaClient, id: number): Promise<Resource> {
  const row = await prisma.changeRequest.findUnique({ where: { id }, select: { kind: true, appName: true, toEnv: true, authorId: true, repositoryId: true, changeSet: true, repository: { select: { team: true } } } });
  if (!row) return { team: null };
  const affected = affectedCells(row.changeSet);
  const envs = [...new Set([...(row.toEnv ? [row.toEnv] : []), ...affected.map((a) => a.env)])];
  const alteredApps = [...new Set(affected.map((a) => a.app))].filter((name) => name !== row.appName);
  const [app, protectedEnvs, altered] = await Promise.all([
    row.appName ? prisma.app.findFirst({ where: { repositoryId: row.repositoryId, name: row.appName }, select: { team: { select: { name: true } } } }) : null,
    envs.length > 0 ? prisma.environment.findMany({ where: { name: { in: envs }, protected: true }, select: { name: true } }) : [],
    alteredApps.length > 0 ? prisma.app.findMany({ where: { repositoryId: row.repositoryId, name: { in: alteredApps } }, select: { team: { select: { name: true } } } }) : [],
  ]);
  const guarded = protectedEnvs.map((e) => e.name).sort();
  const env = guarded.length === 0 ? (row.toEnv ?? undefined) : guarded.includes(row.toEnv ?? "") ? (row.toEnv ?? undefined) : `${guarded.join(", ")} (altered by this change to ${row.toEnv ?? "its target"})`;
  // An app being added is not in the cache until merged: its team is the one the add-app request named (and was authorized for);
  // a bulk promotion (no one app) records the team its cells share.
  const team = app?.team?.name ?? (row.kind === "APP" || !row.appName ? recordedTeam(row.changeSet) : null) ?? row.repository.team ?? null;
  // Every other app the change alters (a bulk promotion's cells, or another team's app fed by a shared file)
  // brings its team: the merger must belong to each. An app the cache no longer knows brings none.
  const teams = [...new Set([...(row.appName || team !== null ? [team] : []), ...altered.map((a) => a.team?.name ?? null)])];
  return { team: team ?? teams.find((t) => t !== null) ?? null, ...(teams.length > 1 ? { teams } : {}), env, protectedEnv: guarded.length > 0, authorId: row.authorId ?? undefined, openAction: OPEN_ACTION[row.kind] };
}

/** The team an add-app change was requested for (`details.team`, stored with its change set). */
function recordedTeam(changeSet: unknown): string | null {
  return typeof changeSet === "object" && changeSet !== null && "team" in changeSet && typeof changeSet.team === "string" && changeSet.team !== "" ? changeSet.team : null;
}

/** Cells stored with a promotion's change set (`affected`), tolerant of rows written before it existed. */
function affectedCells(changeSet: unknown): { app: string; env: string }[] {
  if (typeof changeSet !== "object" || changeSet === null || !("affected" in changeSet) || !Array.isArray(changeSet.affected)) return [];
  return changeSet.affected.flatMap((a: unknown) =>
    typeof a === "object" && a !== null && "env" in a && typeof a.env === "string" && "app" in a && typeof a.app === "string" ? [{ app: a.app, env: a.env }] : [],
  );
}

export const mergeChangeAction = defineAction({
  name: "change.merge",
  input: mergeInput,
  permission: async (i, { prisma }) => ({ action: "change.merge", resource: await changeResource(prisma, i.id) }),
  audit: { resourceId: (i) => String(i.id) },
  handler: async ({ input, prisma, user, audit }) => {
    if (user.kind !== "user") throw new Error("unreachable: tokens may not merge");
    const merged = await mergeChange(prisma, input.id, { id: user.id, name: user.name, email: user.email }, { headSha: input.headSha, planDigest: input.planDigest });
    // Both people of a four-eyes merge are named: who merged (the actor) and who authored it.
    const author = merged.authorId ? ((await describeActors(prisma, [merged.authorId])).get(merged.authorId) ?? merged.authorId) : "unknown";
    audit({
      link: `/changes/${input.id}`,
      message: `merged ${merged.label} (authored by ${author})`,
      details: { input, authorId: merged.authorId, mergedById: user.id, headSha: merged.headSha },
    });
    return { number: merged.number, label: merged.label, headSha: merged.headSha };
  },
});

export const closeChangeAction = defineAction({
  name: "change.close",
  input,
  permission: async (i, { prisma }) => ({ action: "change.close", resource: await changeResource(prisma, i.id) }),
  audit: { resourceId: (i) => String(i.id) },
  handler: async ({ input, prisma, user, audit }) => {
    const closed = await closeChange(prisma, input.id, { id: user.kind === "user" ? user.id : `token:${user.id}` });
    audit({ link: `/changes/${input.id}`, message: `closed ${closed.label}` });
    return closed;
  },
});
