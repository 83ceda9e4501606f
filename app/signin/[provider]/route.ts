import { NextResponse, type NextRequest } from "next/server";
import { safeNextPath } from "@/lib/auth/next-path";
import { PENDING_COOKIE, PENDING_TTL_SECONDS, encodePending, startOidcSignIn } from "@/lib/auth/oidc-sign-in";
import { wantsSecureCookie } from "@/lib/auth/request-origin";
import { signInSettings } from "@/lib/auth/sign-in-config";

// GET /signin/oidc?next=/apps/x: sends the browser to the OpenID provider. State, nonce and the PKCE
// verifier wait in a short-lived cookie scoped to /signin/oidc; nothing is stored before the callback.
export async function GET(request: NextRequest) {
  const { oidc } = signInSettings();
  if (!oidc) return redirectTo("/signin?error=no-provider");
  const next = safeNextPath(request.nextUrl.searchParams.get("next"));
  let started;
  try {
    started = await startOidcSignIn(oidc, next);
  } catch (error) {
    console.error(`ferry: OpenID Connect discovery at ${oidc.issuer.href} failed:`, error);
    return redirectTo("/signin?error=provider-unreachable");
  }
  const response = new NextResponse(null, { status: 303, headers: { Location: started.url.href } });
  response.cookies.set(PENDING_COOKIE, encodePending(started.pending), {
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level GET, which carries it.
    sameSite: "lax",
    secure: wantsSecureCookie(request.headers),
    path: "/signin/oidc",
    maxAge: PENDING_TTL_SECONDS,
  });
  return response;
}

function redirectTo(path: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: path } });
}
