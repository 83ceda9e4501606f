import type { Resource } from "@/lib/auth/policy";
import type { PrismaClient } from "@/lib/db/generated/client";

/** What the policy needs to judge a promotion: the app's team (from the cache) and the target env. */
export async function promotionResource(prisma: PrismaClient, input: { repository: string; app: string; to: string }): Promise<Resource> {
  const [app, env] = await Promise.all([
    prisma.app.findFirst({ where: { name: input.app, repository: { name: input.repository } }, select: { team: { select: { name: true } } } }),
    prisma.environment.findUnique({ where: { name: input.to }, select: { protected: true } }),
  ]);
  // An unknown app has no team: the policy then leaves it to admins, and the handler says it is unknown.
  return { team: app?.team?.name ?? null, env: input.to, protectedEnv: env?.protected ?? false };
}
