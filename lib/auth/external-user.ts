import type { PrismaClient } from "@/lib/db/generated/client";
import { mapGroups, type GroupPolicy, type MappedAccess } from "./group-policy";
import type { ExternalIdentity } from "./identity";
import { sealGrant } from "./token-vault";

// A person who signed in at an identity provider becomes (or stays) a Ferry User: their role and
// teams are what the group policy grants their groups now, replacing what earlier sign-ins granted,
// and the matching rules are kept so the admin page can say why.

export class ExternalUserError extends Error {}

/** The User id of an identity: the provider and its stable subject, so two providers never share one. */
export function externalUserId(provider: string, externalId: string): string {
  return `${provider}:${externalId}`;
}

export async function upsertExternalUser(
  prisma: PrismaClient,
  provider: string,
  identity: ExternalIdentity,
  policy: GroupPolicy,
  now: Date = new Date(),
  /** FERRY_TOKEN_ENCRYPTION_KEY: with it the provider's tokens are kept, sealed, for the scheduled group refresh. */
  tokenKey: Buffer | null = null,
): Promise<{ userId: string; access: MappedAccess }> {
  const userId = externalUserId(provider, identity.externalId);
  const groups = identity.groups ?? [];
  const access = mapGroups(policy, groups);
  const owner = await prisma.user.findUnique({ where: { email: identity.email }, select: { id: true } });
  if (owner && owner.id !== userId) {
    // E-mail is unique; another account holding it (a demo user, another provider) must not be taken over.
    throw new ExternalUserError(`the e-mail address ${identity.email} already belongs to another Ferry user (${owner.id})`);
  }
  await prisma.$transaction(async (tx) => {
    // Without a key (or a grant) nothing is kept, and an older sealed grant is dropped with the sign-in it came from.
    const providerGrant = tokenKey && identity.grant ? sealGrant(tokenKey, userId, identity.grant) : null;
    const data = { name: identity.name, email: identity.email, role: access.role, provider, groups, grants: access.because.map((b) => ({ ...b })), lastSignInAt: now, providerGrant, groupsRefreshedAt: now };
    await tx.user.upsert({ where: { id: userId }, create: { id: userId, ...data }, update: data });
    await replaceTeams(tx, userId, access.teams);
  });
  return { userId, access };
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** The user's teams become exactly `teams`. */
export async function replaceTeams(tx: Tx, userId: string, teams: readonly string[]): Promise<void> {
  await tx.teamMember.deleteMany({ where: { userId } });
  for (const name of teams) {
    // A team the policy names before any repository does still exists for its members.
    const team = await tx.team.upsert({ where: { name }, create: { name }, update: {}, select: { id: true } });
    await tx.teamMember.create({ data: { userId, teamId: team.id } });
  }
}
