import { NextResponse, type NextRequest } from "next/server";
import { safeNextPath } from "@/lib/auth/next-path";
import { handleOidcCallback } from "@/lib/auth/oidc-callback";
import { PENDING_COOKIE, decodePending } from "@/lib/auth/oidc-sign-in";
import { createSession } from "@/lib/auth/session";
import { signInSettings } from "@/lib/auth/sign-in-config";
import { getPrisma } from "@/lib/db/client";

// GET /signin/oidc/callback?code=…&state=…: where the OpenID provider sends the browser back. The URL
// checked is FERRY_PUBLIC_URL's callback with this request's query: behind a proxy, request.url is
// not what the provider redirected to.
export async function GET(request: NextRequest) {
  const { oidc } = signInSettings();
  if (!oidc) return redirectTo("/signin?error=no-provider");
  const callbackUrl = new URL(oidc.redirectUri);
  callbackUrl.search = request.nextUrl.search;
  const pending = decodePending(request.cookies.get(PENDING_COOKIE)?.value);
  const result = await handleOidcCallback(getPrisma(), oidc, callbackUrl, pending);
  if (result.ok) await createSession(result.userId);
  // The cookie's next is checked again: it came back from the browser.
  const response = redirectTo(result.ok ? safeNextPath(result.next) : `/signin?error=${result.error}`);
  // One use only: a second callback with the same cookie is refused as "expired".
  response.cookies.set(PENDING_COOKIE, "", { path: "/signin/oidc", maxAge: 0 });
  return response;
}

function redirectTo(path: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: path } });
}
