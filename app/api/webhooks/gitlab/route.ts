import { NextResponse } from "next/server";
import { getPrisma } from "@/lib/db/client";
import { enqueueChangeRefresh, enqueueRepositorySync } from "@/lib/sync/worker";
import { handleGitLabWebhook, MAX_GITLAB_PAYLOAD_BYTES } from "@/lib/webhooks/gitlab";
import { readBoundedBody, webhookMaxBytes } from "@/lib/webhooks/read-body";
import { readWebhookSecret } from "@/lib/webhooks/secret";
import { recordWebhookDelivery } from "@/lib/metrics/registry";
import { errorMessage, log } from "@/lib/observability/log";

export const dynamic = "force-dynamic";

/**
 * POST /api/webhooks/gitlab — GitLab Push, Merge Request and Pipeline events (see docs/gitlab.md).
 * A secret token that is not configured or cannot be read answers 503, like the database being down.
 * The body is streamed with a cap (the smaller of FERRY_WEBHOOK_MAX_BYTES and GitLab's 5 MiB): 413 past it,
 * also for chunked uploads that send no Content-Length.
 */
export async function POST(request: Request) {
  const configured = readWebhookSecret("gitlab");
  if ("reply" in configured) return answer(configured.reply.body, configured.reply.status);
  let limit: number;
  try {
    limit = Math.min(webhookMaxBytes(), MAX_GITLAB_PAYLOAD_BYTES);
  } catch (error) {
    log("error", "FERRY_WEBHOOK_MAX_BYTES is malformed", { forge: "gitlab", error: errorMessage(error) });
    return answer({ error: "The portal is misconfigured (FERRY_WEBHOOK_MAX_BYTES); retry the delivery once an administrator has fixed it." }, 503);
  }
  const read = await readBoundedBody(request, limit);
  if (!read.ok) return answer({ error: read.error }, read.status);
  let prisma;
  try {
    prisma = getPrisma();
  } catch (error) {
    log("warn", "webhook delivery not processed: no database", { forge: "gitlab", error: errorMessage(error) });
    return answer({ error: "The portal cannot process webhooks right now." }, 503);
  }
  const reply = await handleGitLabWebhook(
    { headers: request.headers, body: read.body },
    { prisma, secret: configured.secret, enqueueRepositorySync, enqueueChangeRefresh, apiUrl: process.env.FERRY_GITLAB_URL },
  );
  return answer(reply.body, reply.status);
}

/** Every answer goes through here, so ferry_webhook_deliveries_total counts each delivery once. */
function answer(body: unknown, status: number): Response {
  recordWebhookDelivery("gitlab", status);
  return NextResponse.json(body, { status });
}
