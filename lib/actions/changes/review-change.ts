import { z } from "zod";
import { defineAction } from "@/lib/actions/action";
import type { Resource } from "@/lib/auth/policy";
import { closeChange, mergeChange } from "@/lib/changes/review-change";
import type { PrismaClient } from "@/lib/db/generated/client";

const input = z.object({ id: z.coerce.number().int().positive() });

async function changeResource(prisma: PrismaClient, id: number): Promise<Resource> {
  const row = await prisma.changeRequest.findUnique({ where: { id }, select: { appName: true, toEnv: true, authorId: true, repositoryId: true, repository: { select: { team: true } } } });
  if (!row) return { team: null };
  const [app, env] = await Promise.all([
    row.appName ? prisma.app.findFirst({ where: { repositoryId: row.repositoryId, name: row.appName }, select: { team: { select: { name: true } } } }) : null,
    row.toEnv ? prisma.environment.findUnique({ where: { name: row.toEnv }, select: { protected: true } }) : null,
  ]);
  return { team: app?.team?.name ?? row.repository.team ?? null, env: row.toEnv ?? undefined, protectedEnv: env?.protected ?? false, authorId: row.authorId ?? undefined };
}

export const mergeChangeAction = defineAction({
  name: "change.merge",
  input,
  permission: async (i, { prisma }) => ({ action: "change.merge", resource: await changeResource(prisma, i.id) }),
  audit: { resourceId: (i) => String(i.id) },
  handler: async ({ input, prisma, user, audit }) => {
    if (user.kind !== "user") throw new Error("unreachable: tokens may not merge");
    const merged = await mergeChange(prisma, input.id, { id: user.id, name: user.name, email: user.email });
    audit({ link: `/changes/${input.id}`, message: `merged change #${merged.number}` });
    return merged;
  },
});

export const closeChangeAction = defineAction({
  name: "change.close",
  input,
  permission: async (i, { prisma }) => ({ action: "change.close", resource: await changeResource(prisma, i.id) }),
  audit: { resourceId: (i) => String(i.id) },
  handler: async ({ input, prisma, audit }) => {
    const closed = await closeChange(prisma, input.id);
    audit({ link: `/changes/${input.id}`, message: `closed change #${closed.number}` });
    return closed;
  },
});
