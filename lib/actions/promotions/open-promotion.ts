import { defineAction } from "@/lib/actions/action";
import { openPromotion } from "@/lib/changes/open-promotion";
import { promotionRequestSchema } from "@/lib/changes/promotion-request";
import { cellAuthorizer, promotionResource } from "./resource";

/** "Promote": opens or updates the change request. Used by the dialog, the HTTP API and the CLI. */
export const openPromotionAction = defineAction({
  name: "deployment.promote",
  input: promotionRequestSchema,
  permission: async (input, { prisma }) => ({ action: "deployment.promote", resource: await promotionResource(prisma, input) }),
  audit: { resourceId: (i) => `${i.repository}/${i.app}/${i.to}` },
  handler: async ({ input, prisma, user, audit }) => {
    const requester =
      user.kind === "user"
        ? { id: user.id, name: user.name, email: user.email }
        : { id: `token:${user.id}`, name: `${user.name} (API token)`, email: "ci@ferry.invalid" };
    const result = await openPromotion(prisma, input, requester, { portalUrl: process.env.FERRY_PUBLIC_URL, authorizeCell: cellAuthorizer(user) });
    if ("change" in result) {
      audit({
        resourceType: "change",
        resourceId: String(result.change.id),
        message: `${result.status} ${result.change.label}: ${result.plan.changeSet.title}${result.pin ? ` (${result.pin === "pinned" ? "pinned the cell by rollback" : "cleared its rollback pin"})` : ""}`,
        details: { request: input, fields: result.plan.fields, skipped: result.plan.skipped, files: result.plan.changeSet.edits.map((e) => e.path) },
        link: result.change.url ?? `/changes/${result.change.id}`,
      });
    } else {
      audit({ message: `not opened: ${result.status}` });
    }
    return result;
  },
});
