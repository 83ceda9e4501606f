import { NextResponse } from "next/server";
import { readSecret } from "@/lib/config/secrets";
import { getPrisma } from "@/lib/db/client";
import { enqueueChangeRefresh, enqueueRepositorySync } from "@/lib/sync/worker";
import { handleGitLabWebhook, MAX_GITLAB_PAYLOAD_BYTES } from "@/lib/webhooks/gitlab";

export const dynamic = "force-dynamic";

/** POST /api/webhooks/gitlab — GitLab Push, Merge Request and Pipeline events (see docs/gitlab.md). */
export async function POST(request: Request) {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_GITLAB_PAYLOAD_BYTES) return NextResponse.json({ error: "Payload too large." }, { status: 413 });
  let secret: string | undefined;
  let prisma;
  try {
    secret = readSecret("FERRY_GITLAB_WEBHOOK_TOKEN");
    prisma = getPrisma();
  } catch (error) {
    console.warn("[webhooks] gitlab:", error instanceof Error ? error.message : String(error));
    return NextResponse.json({ error: "The portal cannot process webhooks right now." }, { status: 503 });
  }
  const reply = await handleGitLabWebhook(
    { headers: request.headers, body: await request.text() },
    { prisma, secret, enqueueRepositorySync, enqueueChangeRefresh, apiUrl: process.env.FERRY_GITLAB_URL },
  );
  return NextResponse.json(reply.body, { status: reply.status });
}
