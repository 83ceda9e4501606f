import { defineAction } from "@/lib/actions/action";
import { DomainError } from "@/lib/actions/domain-error";
import { promotionRequestSchema } from "@/lib/changes/promotion-request";
import { removePin } from "@/lib/changes/rollback";
import { promotionResource } from "./resource";

export const unpinCellSchema = promotionRequestSchema.pick({ repository: true, app: true, to: true });

/** "Unpin": lets promotions move a cell a rollback pinned. Whoever may promote into the cell may unpin it. */
export const unpinCellAction = defineAction({
  name: "deployment.unpin",
  input: unpinCellSchema,
  permission: async (input, { prisma }) => ({ action: "deployment.promote", resource: await promotionResource(prisma, input) }),
  audit: { resourceId: (i) => `${i.repository}/${i.app}/${i.to}` },
  handler: async ({ input, prisma }) => {
    if (!(await removePin(prisma, input))) throw new DomainError(`${input.app} in ${input.to} is not pinned by a rollback. Nothing was changed.`);
    return { unpinned: true as const };
  },
});
