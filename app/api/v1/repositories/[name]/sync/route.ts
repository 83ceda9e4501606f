import { respondWithAction, withDatabaseErrors } from "@/lib/actions/http";
import { syncRepositoryAction } from "@/lib/actions/repositories/sync-repository";

export const dynamic = "force-dynamic";

/** POST /api/v1/repositories/:name/sync — re-sync now (bearer token or same-origin session). */
export const POST = withDatabaseErrors(async (request: Request, { params }: { params: Promise<{ name: string }> }) => {
  const { name } = await params;
  return respondWithAction(syncRepositoryAction, request, { repository: name });
});
