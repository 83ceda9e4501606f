import type { NextRequest } from "next/server";
import { safeNextPath } from "@/lib/auth/next-path";
import { PENDING_COOKIE, PENDING_TTL_SECONDS, encodePending } from "@/lib/auth/pending-sign-in";
import { findRedirectSignIn } from "@/lib/auth/redirect-sign-in";
import { wantsSecureCookie } from "@/lib/auth/request-origin";
import { signInSettings } from "@/lib/auth/sign-in-config";
import { seeOther } from "./see-other";
import { log } from "@/lib/observability/log";

// GET /signin/<oidc|github|gitlab>?next=/apps/x: sends the browser to the identity provider. State,
// nonce and the PKCE verifier wait in a short-lived cookie scoped to /signin/<provider>; nothing is
// stored before the callback.
export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const provider = findRedirectSignIn(signInSettings(), (await params).provider);
  if (!provider) return seeOther("/signin?error=no-provider");
  const next = safeNextPath(request.nextUrl.searchParams.get("next"));
  let started;
  try {
    started = await provider.start(next);
  } catch (error) {
    log("error", "sign-in could not start", { provider: provider.label, error });
    return seeOther("/signin?error=provider-unreachable");
  }
  const response = seeOther(started.url.href);
  response.cookies.set(PENDING_COOKIE, encodePending(started.pending), {
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level GET, which carries it.
    sameSite: "lax",
    secure: wantsSecureCookie(request.headers),
    path: `/signin/${provider.id}`,
    maxAge: PENDING_TTL_SECONDS,
  });
  return response;
}
