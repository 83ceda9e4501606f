import { respondWithAction, withDatabaseErrors } from "@/lib/actions/http";
import { onboardTenantAction } from "@/lib/actions/tenants/onboard-tenant";

export const dynamic = "force-dynamic";

/** POST /api/v1/tenants — open (or update) the change request onboarding a tenant. Platform admins only. */
export const POST = withDatabaseErrors(async (request: Request): Promise<Response> => {
  const body: unknown = await request.json().catch(() => null);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return Response.json({ ok: false, code: "invalid", error: "The request body must be a JSON object." }, { status: 400 });
  }
  return respondWithAction(onboardTenantAction, request, body);
});
