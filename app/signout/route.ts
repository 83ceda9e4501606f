import { NextResponse, type NextRequest } from "next/server";
import { recordAudit } from "@/lib/auth/audit";
import { isSameOrigin } from "@/lib/auth/request-origin";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { deleteSessionRecord, getUserForSessionToken } from "@/lib/auth/session-store";
import { getPrisma } from "@/lib/db/client";

// POST only (GET answers 405): a link or an <img> must not be able to sign someone out.
// Use: <form action="/signout" method="post"><button>Sign out</button></form>
export async function POST(request: NextRequest) {
  // Another site must not be able to sign people out either (SameSite=Lax sends the cookie on top-level POSTs).
  if (!isSameOrigin(request)) {
    return Response.json({ ok: false, code: "forbidden", error: "Sign-out must come from Ferry's own pages (cross-origin request refused)." }, { status: 403 });
  }
  const prisma = getPrisma();
  const token = request.cookies.get(SESSION_COOKIE)?.value;
  const user = await getUserForSessionToken(prisma, token);
  await deleteSessionRecord(prisma, token);
  if (user) {
    await recordAudit(prisma, {
      actor: user,
      action: "session.signout",
      resourceType: "session",
      resourceId: user.id,
      result: "ok",
      message: `${user.name} signed out`,
    });
  }
  // 303 turns the POST into a GET of the sign-in page; a relative Location survives reverse proxies.
  const response = new NextResponse(null, { status: 303, headers: { Location: "/signin" } });
  response.cookies.delete({ name: SESSION_COOKIE, path: "/" });
  return response;
}
