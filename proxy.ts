import { NextResponse, type NextRequest } from "next/server";
import { signInPath } from "@/lib/auth/next-path";
import { REQUEST_PATH_HEADER, SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { contentSecurityPolicy, newNonce, NONCE_HEADER } from "@/lib/security/content-security-policy";

/**
 * Every page request gets a fresh CSP nonce: the policy goes on the response, and on the request too,
 * where Next reads the nonce to put on its own scripts.
 *
 * Sends people without a session cookie to the sign-in page before any page renders. This only
 * looks at the cookie's presence (no database here): pages still call requireUser/getCurrentUser,
 * and every server action and API route authenticates itself through lib/actions/action.ts.
 */
export function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname + request.nextUrl.search;

  // A server action posted from an open page answers "Sign in first" itself; a redirect here would
  // replay the POST against /signin and lose the person's input.
  const isServerAction = request.method === "POST" && request.headers.has("next-action");
  const isSignIn = /^\/signin(?:\/|$)/.test(request.nextUrl.pathname);

  if (!request.cookies.has(SESSION_COOKIE) && !isServerAction && !isSignIn) {
    return NextResponse.redirect(new URL(signInPath(path), request.url));
  }

  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, { development: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  headers.set(NONCE_HEADER, nonce);
  // Lets requireUser() build `/signin?next=<this page>` when the cookie turns out to be stale.
  headers.set(REQUEST_PATH_HEADER, path);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    // Everything except: API routes (they answer 401 JSON), Prometheus' /metrics, Next's assets, and
    // static files by extension; next.config.ts gives those a data-only policy. Kept as one literal:
    // Next reads it at build time.
    "/((?!api(?:/|$)|metrics$|_next/|favicon\\.ico$|.*\\.(?:ico|png|jpe?g|gif|svg|webp|avif|css|js|mjs|map|txt|xml|json|woff2?|ttf|otf|webmanifest)$).*)",
  ],
};
