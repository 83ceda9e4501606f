import { defineAction } from "@/lib/actions/action";
import { previewApp } from "@/lib/changes/scaffold-app";
import { appRequestSchema } from "@/lib/changes/scaffold-request";

/** The add-app form's preview. Team members and admins; writes nothing. */
export const previewAppAction = defineAction({
  name: "app.preview",
  input: appRequestSchema,
  permission: (input) => ({ action: "app.create", resource: { team: input.team } }),
  audit: { onSuccess: false, resourceType: "app", resourceId: (i) => `${i.repository}/${i.name}` },
  handler: ({ input, prisma, user }) => previewApp(prisma, input, { requestedBy: user.name }),
});
