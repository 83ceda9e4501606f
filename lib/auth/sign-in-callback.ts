import type { PrismaClient } from "@/lib/db/generated/client";
import { recordAudit } from "./audit";
import { ExternalUserError, upsertExternalUser } from "./external-user";
import type { MappedAccess } from "./group-policy";
import { SignInRefusedError, type PendingSignIn } from "./pending-sign-in";
import type { RedirectSignIn } from "./redirect-sign-in";
import { loadGroupPolicy, SignInConfigError } from "./sign-in-config";
import { withFileSignInConfig } from "./sign-in-file-config";
import { tokenKey } from "./token-vault";
import { log } from "@/lib/observability/log";

// The callback of a redirect sign-in (OpenID Connect, GitHub, GitLab) without Next's request context
// (app/signin/[provider]/callback/route.ts binds it to cookies): code exchange, the group policy read
// afresh, the User and its teams written, an audit row either way. Tested against real providers
// (oidc-provider, the forge test servers) and a real Postgres.

export type OidcCallbackResult =
  | { ok: true; userId: string; name: string; access: MappedAccess; next: string }
  | { ok: false; error: "expired" | "failed" | "email-taken" };

export async function handleSignInCallback(
  prisma: PrismaClient,
  provider: RedirectSignIn,
  callbackUrl: URL,
  pending: PendingSignIn | null,
  env: Record<string, string | undefined> = withFileSignInConfig(),
): Promise<OidcCallbackResult> {
  const denied = async (error: "expired" | "failed" | "email-taken", message: string, userId: string | null = null) => {
    await recordAudit(prisma, { actor: null, action: "session.signin", resourceType: "session", resourceId: userId, result: "denied", message: `Sign-in with ${provider.label} refused: ${message}` });
    return { ok: false as const, error };
  };
  // No pending cookie: it expired, the browser dropped it, or the callback was not started here (login CSRF).
  if (!pending) return denied("expired", "no sign-in was started in this browser, or it took longer than 10 minutes");

  let identity;
  try {
    identity = await provider.finish(callbackUrl, pending);
  } catch (error) {
    if (!(error instanceof SignInRefusedError)) log("error", "sign-in failed", { provider: provider.label, error });
    return denied("failed", error instanceof SignInRefusedError ? error.message : "the provider could not be reached");
  }
  try {
    const { file, policy } = loadGroupPolicy(env);
    if (file && policy.errors.length) log("error", "the group policy file has bad lines; they grant nothing until fixed", { file, bad_lines: policy.errors.map((e) => e.line) });
    const { userId, access } = await upsertExternalUser(prisma, provider.id, identity, policy, new Date(), tokenKey(env));
    const why = access.because.length ? access.because.map((b) => `${b.grant} from ${b.group} (line ${b.line})`).join(", ") : "no group of theirs is mapped";
    await recordAudit(prisma, {
      actor: { kind: "user", id: userId },
      action: "session.signin",
      resourceType: "session",
      resourceId: userId,
      result: "ok",
      message: `${identity.name} signed in (${provider.label}) as ${access.role.toLowerCase()}${access.teams.length ? ` of ${access.teams.join(", ")}` : ""}: ${why}`,
      details: { groups: identity.groups ?? [], grants: access.because },
    });
    return { ok: true, userId, name: identity.name, access, next: pending.next };
  } catch (error) {
    if (error instanceof ExternalUserError) return denied("email-taken", error.message);
    if (error instanceof SignInConfigError) return denied("failed", error.toLine());
    throw error;
  }
}
