import { z } from "zod";
import { defineAction } from "@/lib/actions/action";
import { DomainError } from "@/lib/actions/domain-error";
import { recordId } from "@/lib/actions/input";
import { revokeApiToken } from "@/lib/auth/api-token";

/** Revokes a token: CI calls with it fail from the next request on. */
export const revokeApiTokenAction = defineAction({
  name: "token.revoke",
  input: z.object({ id: recordId }),
  permission: () => ({ action: "token.manage" }),
  audit: { resourceType: "token", resourceId: (i) => String(i.id) },
  handler: async ({ input, prisma }) => {
    const revoked = await revokeApiToken(prisma, input.id);
    if (!revoked) throw new DomainError(`Token #${input.id} does not exist or is already revoked.`);
    return { id: input.id };
  },
});
