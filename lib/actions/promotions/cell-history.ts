import { z } from "zod";
import { defineAction } from "@/lib/actions/action";
import { DomainError } from "@/lib/actions/domain-error";
import { promotionRequestSchema } from "@/lib/changes/promotion-request";
import { getCellHistory } from "@/lib/data/cell-history";

export const cellHistorySchema = promotionRequestSchema.pick({ repository: true, app: true }).extend({ env: z.string().trim().min(1).max(253) });

/** The matrix popover's history of one cell, from the cache. Anyone who may see the matrix may read it. */
export const cellHistoryAction = defineAction({
  name: "deployment.history",
  input: cellHistorySchema,
  permission: () => ({ action: "repository.read" }),
  audit: { onSuccess: false, resourceId: (i) => `${i.repository}/${i.app}/${i.env}` },
  handler: async ({ input, prisma }) => {
    const history = await getCellHistory(prisma, input);
    if (!history) throw new DomainError(`${input.repository} has no app ${input.app} in ${input.env}.`);
    return history;
  },
});
