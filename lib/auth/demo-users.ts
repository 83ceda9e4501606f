import type { PrismaClient } from "@/lib/db/generated/client";
import type { ExternalIdentity, IdentityProvider } from "./identity";
import type { Role } from "./policy";

// The people of the embedded demo: one of each kind, so every rule of the policy can be tried out
// from the sign-in page. Their ids double as the demo provider's external ids.

export interface DemoUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  teams: string[];
}

export const DEMO_TEAMS: readonly { name: string; displayName: string }[] = [
  { name: "payments", displayName: "Payments" },
  { name: "search", displayName: "Search" },
  { name: "identity", displayName: "Identity" },
];

export const DEMO_USERS: readonly DemoUser[] = [
  { id: "dana", name: "Dana Developer", email: "dana@ferry.example", role: "DEVELOPER", teams: ["payments"] },
  { id: "sam", name: "Sam Searcher", email: "sam@ferry.example", role: "DEVELOPER", teams: ["identity", "search"] },
  { id: "alex", name: "Alex Admin", email: "alex@ferry.example", role: "ADMIN", teams: [] },
  { id: "vic", name: "Vic Viewer", email: "vic@ferry.example", role: "VIEWER", teams: [] },
];

export function findDemoUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.id === id);
}

/**
 * Upserts the demo teams, users and memberships. Idempotent; a demo user's memberships are reset to
 * the ones above, while other users and other teams are left alone.
 */
export async function seedDemoUsers(prisma: PrismaClient): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const teamIds = new Map<string, number>();
    for (const team of DEMO_TEAMS) {
      const row = await tx.team.upsert({
        where: { name: team.name },
        create: team,
        update: {},
        select: { id: true, name: true },
      });
      teamIds.set(row.name, row.id);
    }
    for (const user of DEMO_USERS) {
      const data = { name: user.name, email: user.email, role: user.role };
      await tx.user.upsert({ where: { id: user.id }, create: { id: user.id, ...data }, update: data });
      await tx.teamMember.deleteMany({ where: { userId: user.id } });
      await tx.teamMember.createMany({
        data: user.teams.map((team) => ({ userId: user.id, teamId: teamIds.get(team)! })),
      });
    }
  });
}

export const demoIdentityProvider: IdentityProvider = {
  id: "demo",
  label: "Demo users",
  async completeSignIn(params): Promise<ExternalIdentity | null> {
    const user = params.userId ? findDemoUser(params.userId) : undefined;
    return user ? { externalId: user.id, name: user.name, email: user.email } : null;
  },
};
