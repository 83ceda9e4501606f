import { z } from "zod";
import { defineAction } from "@/lib/actions/action";
import { DomainError } from "@/lib/actions/domain-error";
import { createApiToken } from "@/lib/auth/api-token";

// A form sends one checkbox as a string and several as an array; none at all as nothing.
const teamList = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().trim().min(1).max(100)).max(100));

export const createApiTokenInput = z.object({
  name: z.string().trim().min(1, "give the token a name (e.g. the CI job that uses it)").max(100),
  teams: teamList,
});

/** Creates a team-scoped CI token. The plaintext is in the result only: shown once, never stored or audited. */
export const createApiTokenAction = defineAction({
  name: "token.create",
  input: createApiTokenInput,
  permission: () => ({ action: "token.manage" }),
  audit: { resourceType: "token" },
  handler: async ({ input, prisma, user, audit }) => {
    if (input.teams.length === 0) throw new DomainError("Choose at least one team: a token may only promote the apps of its teams.");
    const known = await prisma.team.findMany({ where: { name: { in: input.teams } }, select: { name: true } });
    const unknown = input.teams.filter((t) => !known.some((k) => k.name === t));
    if (unknown.length > 0) throw new DomainError(`Unknown team${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`);
    const created = await createApiToken(prisma, { name: input.name, teams: input.teams, createdById: user.kind === "user" ? user.id : null });
    // The default audit details would be the input, which is harmless; say which row it became.
    audit({ resourceId: String(created.id), message: `created API token "${created.name}" for ${created.teams.join(", ")}`, details: { name: created.name, teams: created.teams } });
    return created;
  },
});
