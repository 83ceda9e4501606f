import { z } from "zod";
import { defineAction } from "@/lib/actions/action";
import { DomainError } from "@/lib/actions/domain-error";
import { createApiToken, MAX_TOKEN_DAYS } from "@/lib/auth/api-token";

// A form sends one checkbox as a string and several as an array; none at all as nothing.
const teamList = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().trim().min(1).max(100)).max(100));

export const createApiTokenInput = z.object({
  name: z.string().trim().min(1, "give the token a name (e.g. the CI job that uses it)").max(100),
  teams: teamList,
  /** Lifetime in days; empty means FERRY_API_TOKEN_DAYS (default 90). */
  days: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.coerce.number().int("a whole number of days").min(1, "at least 1 day").max(MAX_TOKEN_DAYS, `at most ${MAX_TOKEN_DAYS} days`).optional()),
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
    const created = await createApiToken(prisma, { name: input.name, teams: input.teams, createdById: user.kind === "user" ? user.id : null, days: input.days });
    // The default audit details would be the input, which is harmless; say which row it became.
    const until = created.expiresAt.toISOString().slice(0, 10);
    audit({ resourceId: String(created.id), message: `created API token "${created.name}" for ${created.teams.join(", ")}, valid until ${until}`, details: { name: created.name, teams: created.teams, expiresAt: created.expiresAt.toISOString() } });
    return created;
  },
});
