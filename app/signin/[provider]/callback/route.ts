import type { NextRequest } from "next/server";
import { safeNextPath } from "@/lib/auth/next-path";
import { PENDING_COOKIE, decodePending } from "@/lib/auth/pending-sign-in";
import { findRedirectSignIn } from "@/lib/auth/redirect-sign-in";
import { createSession } from "@/lib/auth/session";
import { handleSignInCallback } from "@/lib/auth/sign-in-callback";
import { signInSettings } from "@/lib/auth/sign-in-config";
import { getPrisma } from "@/lib/db/client";
import { seeOther } from "../see-other";

// GET /signin/<provider>/callback?code=…&state=…: where the identity provider sends the browser back.
// The URL checked is FERRY_PUBLIC_URL's callback with this request's query: behind a proxy,
// request.url is not what the provider redirected to.
export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const provider = findRedirectSignIn(signInSettings(), (await params).provider);
  if (!provider) return seeOther("/signin?error=no-provider");
  const callbackUrl = new URL(provider.redirectUri);
  callbackUrl.search = request.nextUrl.search;
  const pending = decodePending(request.cookies.get(PENDING_COOKIE)?.value);
  const result = await handleSignInCallback(getPrisma(), provider, callbackUrl, pending);
  if (result.ok) await createSession(result.userId);
  // The cookie's next is checked again: it came back from the browser.
  const response = seeOther(result.ok ? safeNextPath(result.next) : `/signin?error=${result.error}`);
  // One use only: a second callback with the same cookie is refused as "expired".
  response.cookies.set(PENDING_COOKIE, "", { path: `/signin/${provider.id}`, maxAge: 0 });
  return response;
}
