import { respondWithAction, withDatabaseErrors } from "@/lib/actions/http";
import { createAppAction } from "@/lib/actions/apps/create-app";

export const dynamic = "force-dynamic";

/** POST /api/v1/apps — open (or update) the change request adding an app. Members of the app's team and admins. */
export const POST = withDatabaseErrors(async (request: Request): Promise<Response> => {
  const body: unknown = await request.json().catch(() => null);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return Response.json({ ok: false, code: "invalid", error: "The request body must be a JSON object." }, { status: 400 });
  }
  return respondWithAction(createAppAction, request, body);
});
