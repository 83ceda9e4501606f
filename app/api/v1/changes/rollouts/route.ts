import { getApiActor, withDatabaseErrors } from "@/lib/actions/http";
import { authorize } from "@/lib/auth/policy";
import { getPrisma } from "@/lib/db/client";
import { getChangeRollouts } from "@/lib/data/change-rollouts";

export const dynamic = "force-dynamic";

const IDS = /^\d{1,9}(,\d{1,9}){0,199}$/;

/**
 * GET /api/v1/changes/rollouts[?ids=1,2] — each change's timeline (opened → merged → applied → healthy)
 * from the stored live state; the change page and the Changes page poll it.
 */
export const GET = withDatabaseErrors(async (request: Request) => {
  const prisma = getPrisma();
  const actor = await getApiActor(request, prisma);
  const decision = authorize(actor, "repository.read");
  if (!decision.allowed) return Response.json({ ok: false, error: decision.reason }, { status: actor ? 403 : 401 });
  const raw = new URL(request.url).searchParams.get("ids");
  if (raw !== null && !IDS.test(raw)) return Response.json({ ok: false, error: "ids must be up to 200 change ids separated by commas" }, { status: 400 });
  const ids = raw === null ? undefined : raw.split(",").map(Number);
  return Response.json({ ok: true, data: await getChangeRollouts(prisma, ids) });
});
