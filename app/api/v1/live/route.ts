import { readRoute } from "@/lib/actions/http";
import { liveStateStamp } from "@/lib/data/live-sources";

export const dynamic = "force-dynamic";

/** GET /api/v1/live — a stamp of the stored live state; the matrix polls it and re-renders when it changes. */
export const GET = readRoute(async (prisma) => ({ stamp: await liveStateStamp(prisma) }));
