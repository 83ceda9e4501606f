import { NextResponse, type NextRequest } from "next/server";
import { signInPath } from "@/lib/auth/next-path";
import { REQUEST_PATH_HEADER, SESSION_COOKIE } from "@/lib/auth/session-cookie";

/**
 * Sends people without a session cookie to the sign-in page before any page renders. This only
 * looks at the cookie's presence (no database here): pages still call requireUser/getCurrentUser,
 * and every server action and API route authenticates itself through lib/actions/action.ts.
 */
export function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname + request.nextUrl.search;

  // A server action posted from an open page answers "Sign in first" itself; a redirect here would
  // replay the POST against /signin and lose the person's input.
  const isServerAction = request.method === "POST" && request.headers.has("next-action");

  if (!request.cookies.has(SESSION_COOKIE) && !isServerAction) {
    return NextResponse.redirect(new URL(signInPath(path), request.url));
  }

  // Lets requireUser() build `/signin?next=<this page>` when the cookie turns out to be stale.
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: [
    // Everything except: API routes (they answer 401 JSON), Prometheus' /metrics, Next's assets, the
    // sign-in page itself, and static files by extension. Kept as one literal: Next reads it at build time.
    "/((?!api(?:/|$)|metrics$|_next/|signin(?:/|$)|favicon\\.ico$|.*\\.(?:ico|png|jpe?g|gif|svg|webp|avif|css|js|mjs|map|txt|xml|json|woff2?|ttf|otf|webmanifest)$).*)",
  ],
};
