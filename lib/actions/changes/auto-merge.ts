import { z } from "zod";
import { defineAction } from "@/lib/actions/action";
import { recordId } from "@/lib/actions/input";
import { AUTO_MERGE_OFF, AUTO_MERGE_ON, cancelAutoMerge, enableAutoMerge } from "@/lib/changes/auto-merge";
import { changeResource } from "./review-change";

// "Merge when ready" asks the forge to merge later, so it is authorized exactly as a merge now: the
// same policy decision (change.merge on every team and protected environment the change alters) and
// the same reviewed version (head commit and plan digest the page showed). Cancelling needs the same
// authority: whoever may merge may also decide not to yet.

const enableInput = z.object({
  id: recordId,
  headSha: z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, "must be the full commit id the change page showed"),
  planDigest: z.string().regex(/^[0-9a-f]{64}$/, "must be the plan digest the change page showed"),
});

export const enableAutoMergeAction = defineAction({
  name: AUTO_MERGE_ON,
  input: enableInput,
  permission: async (i, { prisma }) => ({ action: "change.merge", resource: await changeResource(prisma, i.id) }),
  audit: { resourceType: "change", resourceId: (i) => String(i.id) },
  handler: async ({ input, prisma, audit }) => {
    const on = await enableAutoMerge(prisma, input.id, { headSha: input.headSha, planDigest: input.planDigest });
    audit({ link: `/changes/${input.id}`, message: `turned on auto-merge of ${on.label} at ${on.headSha.slice(0, 10)}`, details: { input, headSha: on.headSha } });
    return { label: on.label, headSha: on.headSha };
  },
});

export const cancelAutoMergeAction = defineAction({
  name: AUTO_MERGE_OFF,
  input: z.object({ id: recordId }),
  permission: async (i, { prisma }) => ({ action: "change.merge", resource: await changeResource(prisma, i.id) }),
  audit: { resourceType: "change", resourceId: (i) => String(i.id) },
  handler: async ({ input, prisma, audit }) => {
    const off = await cancelAutoMerge(prisma, input.id);
    audit({ link: `/changes/${input.id}`, message: `cancelled auto-merge of ${off.label}` });
    return off;
  },
});
