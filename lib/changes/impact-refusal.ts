import type { Decision, Resource } from "@/lib/auth/policy";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { EnvironmentImpact } from "@/lib/gitops/impact";

/** Asks the policy about one cell (`deployment.promote` on the app's team and the environment). */
export type CellAuthorizer = (resource: Resource) => Decision;

/** Who owns what in one repository: each app's team and the protected environments. */
export interface Ownership {
  teams: Map<string, string | null>;
  protectedEnvs: Set<string>;
}

export async function repositoryOwnership(prisma: PrismaClient, repositoryId: number): Promise<Ownership> {
  const [apps, envs] = await Promise.all([
    prisma.app.findMany({ where: { repositoryId }, select: { name: true, team: { select: { name: true } } } }),
    prisma.environment.findMany({ where: { protected: true }, select: { name: true } }),
  ]);
  return { teams: new Map(apps.map((a) => [a.name, a.team?.name ?? null])), protectedEnvs: new Set(envs.map((e) => e.name)) };
}

/**
 * A promotion is judged by every cell it alters, not only the one it was asked for: a shared file that
 * also moves another team's app is promoted only by someone who may promote that app too. The first
 * cell refused names the refusal; null when every cell is allowed.
 */
export function impactRefusal(affected: readonly Pick<EnvironmentImpact, "app" | "env">[], ownership: Ownership, authorize: CellAuthorizer): { app: string; env: string; reason: string } | null {
  const seen = new Set<string>();
  for (const { app, env } of affected) {
    if (seen.has(`${app}/${env}`)) continue;
    seen.add(`${app}/${env}`);
    const decision = authorize({ team: ownership.teams.get(app) ?? null, env, protectedEnv: ownership.protectedEnvs.has(env) });
    if (!decision.allowed) return { app, env, reason: decision.reason };
  }
  return null;
}
