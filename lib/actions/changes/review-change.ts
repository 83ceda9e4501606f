import { z } from "zod";
import { defineAction } from "@/lib/actions/action";
import type { Resource } from "@/lib/auth/policy";
import { closeChange, mergeChange } from "@/lib/changes/review-change";
import type { PrismaClient } from "@/lib/db/generated/client";

const input = z.object({ id: z.coerce.number().int().positive() });

/**
 * What a merge is judged by: the app's team, and every environment the change alters (recorded when it
 * was planned), not only the one its label names. A protected environment anywhere in it protects the merge.
 */
export async function changeResource(prisma: PrismaClient, id: number): Promise<Resource> {
  const row = await prisma.changeRequest.findUnique({ where: { id }, select: { kind: true, appName: true, toEnv: true, authorId: true, repositoryId: true, changeSet: true, repository: { select: { team: true } } } });
  if (!row) return { team: null };
  const envs = [...new Set([...(row.toEnv ? [row.toEnv] : []), ...affectedEnvironments(row.changeSet)])];
  const [app, protectedEnvs] = await Promise.all([
    row.appName ? prisma.app.findFirst({ where: { repositoryId: row.repositoryId, name: row.appName }, select: { team: { select: { name: true } } } }) : null,
    envs.length > 0 ? prisma.environment.findMany({ where: { name: { in: envs }, protected: true }, select: { name: true } }) : [],
  ]);
  const guarded = protectedEnvs.map((e) => e.name).sort();
  const env = guarded.length === 0 ? (row.toEnv ?? undefined) : guarded.includes(row.toEnv ?? "") ? (row.toEnv ?? undefined) : `${guarded.join(", ")} (altered by this change to ${row.toEnv ?? "its target"})`;
  // An app being added is not in the cache until merged: its team is the one the add-app request named (and was authorized for).
  const team = app?.team?.name ?? (row.kind === "APP" ? recordedTeam(row.changeSet) : null) ?? row.repository.team ?? null;
  return { team, env, protectedEnv: guarded.length > 0, authorId: row.authorId ?? undefined };
}

/** The team an add-app change was requested for (`details.team`, stored with its change set). */
function recordedTeam(changeSet: unknown): string | null {
  return typeof changeSet === "object" && changeSet !== null && "team" in changeSet && typeof changeSet.team === "string" && changeSet.team !== "" ? changeSet.team : null;
}

/** Environments stored with a promotion's change set (`affected`), tolerant of rows written before it existed. */
function affectedEnvironments(changeSet: unknown): string[] {
  if (typeof changeSet !== "object" || changeSet === null || !("affected" in changeSet) || !Array.isArray(changeSet.affected)) return [];
  return changeSet.affected.flatMap((a: unknown) => (typeof a === "object" && a !== null && "env" in a && typeof a.env === "string" ? [a.env] : []));
}

export const mergeChangeAction = defineAction({
  name: "change.merge",
  input,
  permission: async (i, { prisma }) => ({ action: "change.merge", resource: await changeResource(prisma, i.id) }),
  audit: { resourceId: (i) => String(i.id) },
  handler: async ({ input, prisma, user, audit }) => {
    if (user.kind !== "user") throw new Error("unreachable: tokens may not merge");
    const merged = await mergeChange(prisma, input.id, { id: user.id, name: user.name, email: user.email });
    audit({ link: `/changes/${input.id}`, message: `merged ${merged.label}` });
    return merged;
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
