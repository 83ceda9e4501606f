import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { Role } from "./policy";

// The admin's view of who is who: each person's role and teams with the reason they hold them, as
// recorded at their last sign-in or the worker's last refresh of their groups (refresh-groups.ts).

const Grants = z.array(z.object({ grant: z.string(), group: z.string(), line: z.number(), rule: z.string() }));
export type PersonGrant = z.infer<typeof Grants>[number];

export interface Person {
  id: string;
  name: string;
  email: string;
  role: Role;
  teams: string[];
  /** "oidc", "github", "gitlab", "demo", or null for a user never signed in (seeded). */
  provider: string | null;
  groups: string[];
  grants: PersonGrant[];
  lastSignInAt: Date | null;
  /** When the groups were last read from the provider: at sign-in, or by the scheduled refresh. */
  groupsRefreshedAt: Date | null;
  /** Whether the worker can read them again (a sealed provider token is kept); the token itself never leaves the server. */
  groupsKeptFresh: boolean;
}

export async function listPeople(prisma: PrismaClient): Promise<Person[]> {
  const users = await prisma.user.findMany({
    orderBy: [{ name: "asc" }, { id: "asc" }],
    include: { memberships: { include: { team: { select: { name: true } } } } },
  });
  return users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    teams: u.memberships.map((m) => m.team.name).sort(),
    provider: u.provider,
    groups: u.groups,
    // Rows written before grants were recorded, or by hand, have none to show.
    grants: Grants.safeParse(u.grants).data ?? [],
    lastSignInAt: u.lastSignInAt,
    groupsRefreshedAt: u.groupsRefreshedAt,
    groupsKeptFresh: u.providerGrant !== null,
  }));
}

/** Why a person holds `grant` ("role:admin", "team:payments"), in words for the page. */
export function reasonsFor(person: Person, grant: string): string[] {
  const rules = person.grants.filter((g) => g.grant === grant).map((g) => `group ${g.group}, rule on line ${g.line}: ${g.rule}`);
  if (rules.length) return rules;
  if (person.provider && person.provider !== "demo") return grant === "role:viewer" ? ["no rule of the policy file names any of their groups"] : [];
  return ["a demo user: role and teams are fixed in lib/auth/demo-users.ts"];
}
