import { defineAction } from "@/lib/actions/action";
import { authorize, policyConfigFromEnv, type Actor } from "@/lib/auth/policy";
import { bulkPromotionSchema, openBulkPromotion, previewBulkPromotion, type BulkPromotionInput, type CellAuthorizer } from "@/lib/changes/bulk-promotion";
import type { PrismaClient } from "@/lib/db/generated/client";
import { promotionResource } from "./resource";

/**
 * The chain's own check is the first cell's (or the team's, for "everything behind"): a viewer is refused
 * before anything is planned. Every cell the combined change alters is then judged by the handler, the
 * first refusal naming its cell.
 */
async function coarsePermission(input: BulkPromotionInput, prisma: PrismaClient) {
  const first = input.cells[0];
  if (first) return { action: "deployment.promote" as const, resource: await promotionResource(prisma, first) };
  return { action: "deployment.promote" as const, resource: { team: input.behind?.team ?? null, env: input.behind?.to } };
}

const cellAuthorizer = (user: Actor): CellAuthorizer => {
  const policy = policyConfigFromEnv();
  return (resource) => authorize(user, "deployment.promote", resource, policy);
};

/** The bulk dialog's preview: per repository, the cells, the combined plan and diff. Writes nothing. */
export const previewBulkPromotionAction = defineAction({
  name: "deployment.preview-bulk-promotion",
  input: bulkPromotionSchema,
  permission: (input, { prisma }) => coarsePermission(input, prisma),
  audit: { onSuccess: false, resourceId: () => "bulk" },
  handler: ({ input, prisma, user }) => previewBulkPromotion(prisma, input, cellAuthorizer(user), { requestedBy: user.name, portalUrl: process.env.FERRY_PUBLIC_URL }),
});

/** "Open N change requests": one per repository with every promotable cell of it. */
export const openBulkPromotionAction = defineAction({
  name: "deployment.promote-bulk",
  input: bulkPromotionSchema,
  permission: (input, { prisma }) => coarsePermission(input, prisma),
  audit: { resourceId: () => "bulk" },
  handler: async ({ input, prisma, user, audit }) => {
    const requester =
      user.kind === "user" ? { id: user.id, name: user.name, email: user.email } : { id: `token:${user.id}`, name: `${user.name} (API token)`, email: "ci@ferry.invalid" };
    const result = await openBulkPromotion(prisma, input, requester, cellAuthorizer(user), { portalUrl: process.env.FERRY_PUBLIC_URL });
    const opened = result.repositories.flatMap((r) => ("change" in r ? [r] : []));
    audit({
      resourceType: "change",
      resourceId: opened.map((r) => String(r.change.id)).join(",") || null,
      message: result.repositories.map((r) => ("change" in r ? `${r.status} ${r.change.label}: ${r.plan.changeSet?.title ?? ""}` : `${r.repository}: ${r.status}`)).join("; "),
      details: { input, cells: result.repositories.map((r) => ({ repository: r.repository, cells: r.plan.cells.map((c) => ({ ...c.cell, status: c.status })) })) },
      link: opened[0] ? (opened[0].change.url ?? `/changes/${opened[0].change.id}`) : null,
    });
    return result;
  },
});
