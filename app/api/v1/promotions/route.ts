import { getApiActor, withDatabaseErrors } from "@/lib/actions/http";
import { openPromotionAction } from "@/lib/actions/promotions/open-promotion";
import { getPrisma } from "@/lib/db/client";
import { promotionResponse } from "./promotion-response";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/promotions — open (or update) the change request promoting an app between two
 * environments, for CI and the CLI. Bearer token or same-origin session. See docs/api.md.
 *
 * Not `respondWithAction`: its status is fixed per route, while here it depends on the outcome
 * (201 opened, 409 base moved, 422 refused); the chain and the actor lookup are the same.
 */
export const POST = withDatabaseErrors(async (request: Request): Promise<Response> => {
  let input: unknown;
  try {
    input = await request.json();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return Response.json({ ok: false, code: "invalid", error: `The request body is not valid JSON (${detail}). Send Content-Type: application/json with an object such as {"repository":"…","app":"…","from":"staging","to":"production"}.` }, { status: 400 });
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return Response.json({ ok: false, code: "invalid", error: "The request body must be a JSON object." }, { status: 400 });
  }
  const prisma = getPrisma();
  const result = await openPromotionAction.run(input, { actor: () => getApiActor(request, prisma), prisma });
  return promotionResponse(result, linkBase(request));
});

/** Where the portal's own change page lives, for forges without a web page (plain git). */
function linkBase(request: Request): string {
  return (process.env.FERRY_PUBLIC_URL ?? new URL(request.url).origin).replace(/\/+$/, "");
}
