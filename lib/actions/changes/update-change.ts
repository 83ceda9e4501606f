import { z } from "zod";
import { defineAction, type Permission } from "@/lib/actions/action";
import { DomainError } from "@/lib/actions/domain-error";
import { recordId } from "@/lib/actions/input";
import { cellAuthorizer, promotionResource } from "@/lib/actions/promotions/resource";
import { requesterOf } from "@/lib/actions/tenants/requester";
import { readChangeUpdateRequest, updateChangeOnHead } from "@/lib/changes/update-change";
import type { PrismaClient } from "@/lib/db/generated/client";

const input = z.object({ id: recordId });

/** Updating a change is opening it again: the same right its kind needs (promote into the env, add the app, onboard). */
export async function updatePermission(prisma: PrismaClient, id: number): Promise<Permission> {
  const asked = await readChangeUpdateRequest(prisma, id);
  if (asked.kind === "PROMOTION") return { action: "deployment.promote", resource: await promotionResource(prisma, asked.request) };
  // A bulk change: its first cell's right here; the handler asks the policy for every cell it alters.
  if (asked.kind === "BULK") {
    const first = asked.request.cells[0];
    if (!first) throw new DomainError(`Change #${id} holds no cells to plan again.`);
    return { action: "deployment.promote", resource: await promotionResource(prisma, first) };
  }
  if (asked.kind === "APP") return { action: "app.create", resource: { team: asked.request.team } };
  return { action: "tenant.onboard" };
}

/** "Update this change on the current head" on the change page. */
export const updateChangeAction = defineAction({
  name: "change.update",
  input,
  permission: (i, { prisma }) => updatePermission(prisma, i.id),
  audit: { resourceType: "change", resourceId: (i) => String(i.id) },
  handler: async ({ input, prisma, user, audit }) => {
    const updated = await updateChangeOnHead(prisma, input.id, requesterOf(user), { portalUrl: process.env.FERRY_PUBLIC_URL, authorizeCell: cellAuthorizer(user) });
    audit({
      resourceType: "change",
      link: `/changes/${input.id}`,
      message:
        updated.status === "identical"
          ? `${updated.label} already planned on ${updated.baseSha.slice(0, 10)}: nothing to update`
          : `updated ${updated.label} on the current head ${updated.baseSha.slice(0, 10)}`,
      details: { input, baseSha: updated.baseSha, reviewersTold: updated.reviewersTold ?? null },
    });
    return updated;
  },
});
