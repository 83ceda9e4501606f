import { defineAction } from "@/lib/actions/action";
import { requesterOf } from "@/lib/actions/tenants/requester";
import { openApp } from "@/lib/changes/scaffold-app";
import { appRequestSchema } from "@/lib/changes/scaffold-request";

/** "Add app": opens (or updates) the change request. Used by the form and POST /api/v1/apps. */
export const createAppAction = defineAction({
  name: "app.create",
  input: appRequestSchema,
  permission: (input) => ({ action: "app.create", resource: { team: input.team } }),
  audit: { resourceType: "app", resourceId: (i) => `${i.repository}/${i.name}` },
  handler: async ({ input, prisma, user, audit }) => {
    const result = await openApp(prisma, input, requesterOf(user));
    if ("change" in result) {
      audit({
        resourceType: "change",
        resourceId: String(result.change.id),
        message: `${result.status} change #${result.change.number ?? result.change.id}: Add app ${input.name}`,
        details: { request: input, files: result.plan.status === "changes" ? result.plan.changeSet.edits.map((e) => e.path) : [] },
        link: result.change.url ?? `/changes/${result.change.id}`,
      });
    } else {
      audit({ message: `not opened: ${result.status}${result.plan.status === "refused" ? ` (${result.plan.reason})` : ""}` });
    }
    return result;
  },
});
