import { defineAction } from "@/lib/actions/action";
import { promotionRequestSchema } from "@/lib/changes/promotion-request";
import { renderedPromotionPreview } from "@/lib/render/preview-render";
import { promotionResource } from "./resource";

/** The promote dialog's rendered manifests before and after the plan: who may preview the promotion may see them. Writes nothing. */
export const renderedPreviewAction = defineAction({
  name: "deployment.preview-rendered",
  input: promotionRequestSchema,
  permission: async (input, { prisma }) => ({ action: "deployment.promote", resource: await promotionResource(prisma, input) }),
  audit: { onSuccess: false, resourceId: (i) => `${i.repository}/${i.app}/${i.to}` },
  handler: ({ input, prisma }) => renderedPromotionPreview(prisma, input),
});
