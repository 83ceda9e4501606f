import { NextResponse } from "next/server";
import { getPrisma } from "@/lib/db/client";
import { enqueueChangeRefresh, enqueueRepositorySync } from "@/lib/sync/worker";
import { handleGitLabWebhook, MAX_GITLAB_PAYLOAD_BYTES } from "@/lib/webhooks/gitlab";
import { readWebhookSecret } from "@/lib/webhooks/secret";

export const dynamic = "force-dynamic";

/**
 * POST /api/webhooks/gitlab — GitLab Push, Merge Request and Pipeline events (see docs/gitlab.md).
 * A secret token that is not configured or cannot be read answers 503, like the database being down.
 */
export async function POST(request: Request) {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_GITLAB_PAYLOAD_BYTES) return NextResponse.json({ error: "Payload too large." }, { status: 413 });
  const configured = readWebhookSecret("gitlab");
  if ("reply" in configured) return NextResponse.json(configured.reply.body, { status: configured.reply.status });
  let prisma;
  try {
    prisma = getPrisma();
  } catch (error) {
    console.warn("[webhooks] gitlab:", error instanceof Error ? error.message : String(error));
    return NextResponse.json({ error: "The portal cannot process webhooks right now." }, { status: 503 });
  }
  const reply = await handleGitLabWebhook(
    { headers: request.headers, body: await request.text() },
    { prisma, secret: configured.secret, enqueueRepositorySync, enqueueChangeRefresh, apiUrl: process.env.FERRY_GITLAB_URL },
  );
  return NextResponse.json(reply.body, { status: reply.status });
}
