import { defineAction } from "@/lib/actions/action";
import { previewTenant } from "@/lib/changes/scaffold-tenant";
import { tenantRequestSchema } from "@/lib/changes/scaffold-request";

/** The onboarding form's preview: every file of the change request. Platform admins only; writes nothing. */
export const previewTenantAction = defineAction({
  name: "tenant.preview",
  input: tenantRequestSchema,
  permission: () => ({ action: "tenant.onboard" }),
  audit: { onSuccess: false, resourceType: "tenant", resourceId: (i) => `${i.repository}/${i.name}` },
  handler: ({ input, prisma, user }) => previewTenant(prisma, input, { requestedBy: user.name }),
});
