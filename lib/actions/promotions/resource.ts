import { DomainError } from "@/lib/actions/domain-error";
import { authorize, policyConfigFromEnv, type Actor, type Resource } from "@/lib/auth/policy";
import type { CellAuthorizer } from "@/lib/changes/impact-refusal";
import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * What the policy needs to judge a promotion: the app's team (from the cache) and the target env.
 * An app the cache does not know is refused here, as unknown (422 through the API): judged as a
 * resource without a team it was answered 403 "belongs to no team, so only platform admins may".
 */
export async function promotionResource(prisma: PrismaClient, input: { repository: string; app: string; to: string }): Promise<Resource> {
  const [app, env] = await Promise.all([
    prisma.app.findFirst({ where: { name: input.app, repository: { name: input.repository } }, select: { team: { select: { name: true } } } }),
    prisma.environment.findUnique({ where: { name: input.to }, select: { protected: true } }),
  ]);
  if (!app) {
    throw new DomainError(`Repository ${input.repository} has no app ${input.app} (or the repository is not configured or not synced yet). Nothing was changed.`);
  }
  return { team: app.team?.name ?? null, env: input.to, protectedEnv: env?.protected ?? false };
}

/** Judges each further cell a plan alters with the policy, as the requester (see judgeImpact). */
export function cellAuthorizer(actor: Actor): CellAuthorizer {
  const policy = policyConfigFromEnv();
  return (resource) => authorize(actor, "deployment.promote", resource, policy);
}
