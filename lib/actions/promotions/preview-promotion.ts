import { defineAction } from "@/lib/actions/action";
import { previewPromotion } from "@/lib/changes/preview-promotion";
import { promotionRequestSchema } from "@/lib/changes/promotion-request";
import { cellAuthorizer, promotionResource } from "./resource";

/** The promote dialog's preview: the plan and its diff against the current head. Writes nothing. */
export const previewPromotionAction = defineAction({
  name: "deployment.preview-promotion",
  input: promotionRequestSchema,
  permission: async (input, { prisma }) => ({ action: "deployment.promote", resource: await promotionResource(prisma, input) }),
  audit: { onSuccess: false, resourceId: (i) => `${i.repository}/${i.app}/${i.to}` },
  handler: ({ input, prisma, user }) => previewPromotion(prisma, input, { requestedBy: user.name, portalUrl: process.env.FERRY_PUBLIC_URL, authorizeCell: cellAuthorizer(user) }),
});
