import { readSecret } from "@/lib/config/secrets";
import type { WebhookProvider } from "./deliveries";
import type { WebhookResponse } from "./github";
import { errorMessage, log } from "@/lib/observability/log";

// The webhook secret is portal configuration, so a missing or unreadable one is the portal's fault,
// not the sender's: both answer 503 (never 401, which would send the forge's admin hunting for a
// wrong secret on their side, and which older GitLab versions answer by disabling the hook for
// good). GitLab re-enables a hook that answered 5xx by itself after a back-off; deliveries missed
// meanwhile are caught up by the periodic sync and can be resent from the forge.

const FORGE = {
  github: { label: "GitHub", variable: "FERRY_GITHUB_WEBHOOK_SECRET" },
  gitlab: { label: "GitLab", variable: "FERRY_GITLAB_WEBHOOK_TOKEN" },
} as const satisfies Record<WebhookProvider, { label: string; variable: string }>;

/** The reply when the provider's webhook secret is not set at all. */
export function secretNotConfigured(provider: WebhookProvider): WebhookResponse {
  const { label, variable } = FORGE[provider];
  return { status: 503, body: { error: `${label} webhooks are not configured on this portal: set ${variable} (or ${variable}_FILE); retry the delivery afterwards.` } };
}

/**
 * The provider's webhook secret, or the 503 reply when it is not configured or `<NAME>_FILE` names a
 * file that cannot be read. The reply names the variable, never the file's path or content; the
 * server log gets the path and the reason (ENOENT, EACCES…). Read per delivery, so fixing the file
 * needs no restart.
 */
export function readWebhookSecret(provider: WebhookProvider, env: Record<string, string | undefined> = process.env): { secret: string } | { reply: WebhookResponse } {
  const { label, variable } = FORGE[provider];
  try {
    const secret = readSecret(variable, env);
    return secret ? { secret } : { reply: secretNotConfigured(provider) };
  } catch (error) {
    log("error", "the webhook secret cannot be read", { forge: provider, error: errorMessage(error) });
    return { reply: { status: 503, body: { error: `The portal is misconfigured: its ${label} webhook secret (${variable}_FILE) cannot be read. Retry the delivery once an administrator has fixed it.` } } };
  }
}
