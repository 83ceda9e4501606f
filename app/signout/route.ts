import { NextResponse, type NextRequest } from "next/server";
import { recordAudit } from "@/lib/auth/audit";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { deleteSessionRecord, getUserForSessionToken } from "@/lib/auth/session-store";
import { getPrisma } from "@/lib/db/client";

// POST only (GET answers 405): a link or an <img> must not be able to sign someone out.
// Use: <form action="/signout" method="post"><button>Sign out</button></form>
export async function POST(request: NextRequest) {
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
