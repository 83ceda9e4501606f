import { getPrisma } from "@/lib/db/client";
import { enqueueChangeRefresh, enqueueRepositorySync } from "@/lib/sync/worker";
import { handleGitHubWebhook } from "@/lib/webhooks/github";
import { readBoundedBody, webhookMaxBytes } from "@/lib/webhooks/read-body";
import { readWebhookSecret } from "@/lib/webhooks/secret";
import { recordWebhookDelivery } from "@/lib/metrics/registry";
import { errorMessage, log } from "@/lib/observability/log";

export const dynamic = "force-dynamic";

/**
 * POST /api/webhooks/github — GitHub App or repository webhook (push, pull_request,
 * pull_request_review, check_suite, check_run, status, ping). Authenticated by the
 * X-Hub-Signature-256 HMAC, not by a session or token. A secret that is not configured or cannot
 * be read answers 503: the portal is misconfigured, the delivery is not at fault. See docs/github.md.
 * The body is read with a cap (FERRY_WEBHOOK_MAX_BYTES) before the signature can be checked: 413 past it.
 */
export async function POST(request: Request): Promise<Response> {
  const configured = readWebhookSecret("github");
  if ("reply" in configured) return answer(configured.reply.body, configured.reply.status);
  let limit: number;
  try {
    limit = webhookMaxBytes();
  } catch (error) {
    log("error", "FERRY_WEBHOOK_MAX_BYTES is malformed", { forge: "github", error: errorMessage(error) });
    return answer({ error: "The portal is misconfigured (FERRY_WEBHOOK_MAX_BYTES); retry the delivery once an administrator has fixed it." }, 503);
  }
  const read = await readBoundedBody(request, limit);
  if (!read.ok) return answer({ error: read.error }, read.status);
  let prisma;
  try {
    prisma = getPrisma();
  } catch {
    return answer({ error: "The portal's database is not available; retry later." }, 503);
  }
  const result = await handleGitHubWebhook(
    { prisma, secret: configured.secret, enqueueRepositorySync, enqueueChangeRefresh },
    { body: read.body, headers: request.headers },
  );
  return answer(result.body, result.status);
}

/** Every answer goes through here, so ferry_webhook_deliveries_total counts each delivery once. */
function answer(body: unknown, status: number): Response {
  recordWebhookDelivery("github", status);
  return Response.json(body, { status });
}
