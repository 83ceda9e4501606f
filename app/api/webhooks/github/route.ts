import { getPrisma } from "@/lib/db/client";
import { enqueueChangeRefresh, enqueueRepositorySync } from "@/lib/sync/worker";
import { handleGitHubWebhook } from "@/lib/webhooks/github";
import { readWebhookSecret } from "@/lib/webhooks/secret";

export const dynamic = "force-dynamic";

/**
 * POST /api/webhooks/github — GitHub App or repository webhook (push, pull_request,
 * pull_request_review, check_suite, check_run, status, ping). Authenticated by the
 * X-Hub-Signature-256 HMAC, not by a session or token. A secret that is not configured or cannot
 * be read answers 503: the portal is misconfigured, the delivery is not at fault. See docs/github.md.
 */
export async function POST(request: Request): Promise<Response> {
  const body = await request.text();
  const configured = readWebhookSecret("github");
  if ("reply" in configured) return Response.json(configured.reply.body, { status: configured.reply.status });
  let prisma;
  try {
    prisma = getPrisma();
  } catch {
    return Response.json({ error: "The portal's database is not available; retry later." }, { status: 503 });
  }
  const result = await handleGitHubWebhook(
    { prisma, secret: configured.secret, enqueueRepositorySync, enqueueChangeRefresh },
    { body, headers: request.headers },
  );
  return Response.json(result.body, { status: result.status });
}
