import { readRoute } from "@/lib/actions/http";
import { listChanges } from "@/lib/data/changes";

export const dynamic = "force-dynamic";

/** GET /api/v1/changes — change requests with their forge state, newest first (the Changes page polls it). */
export const GET = readRoute((prisma) => listChanges(prisma));
