import { defineAction } from "@/lib/actions/action";
import { openTenant } from "@/lib/changes/scaffold-tenant";
import { tenantRequestSchema } from "@/lib/changes/scaffold-request";
import { requesterOf } from "./requester";

/** "Onboard tenant": opens (or updates) the change request. Used by the form and POST /api/v1/tenants. */
export const onboardTenantAction = defineAction({
  name: "tenant.onboard",
  input: tenantRequestSchema,
  permission: () => ({ action: "tenant.onboard" }),
  audit: { resourceType: "tenant", resourceId: (i) => `${i.repository}/${i.name}` },
  handler: async ({ input, prisma, user, audit }) => {
    const result = await openTenant(prisma, input, requesterOf(user));
    if ("change" in result) {
      audit({
        resourceType: "change",
        resourceId: String(result.change.id),
        message: `${result.status} change #${result.change.number ?? result.change.id}: Onboard tenant ${input.name}`,
        details: { request: input, files: result.plan.status === "changes" ? result.plan.changeSet.edits.map((e) => e.path) : [] },
        link: result.change.url ?? `/changes/${result.change.id}`,
      });
    } else {
      audit({ message: `not opened: ${result.status}${result.plan.status === "refused" ? ` (${result.plan.reason})` : ""}` });
    }
    return result;
  },
});
