import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getPrisma } from "@/lib/db/client";
import { UnauthenticatedError } from "./errors";
import { signInPath } from "./next-path";
import { wantsSecureCookie } from "./request-origin";
import { REQUEST_PATH_HEADER, SESSION_COOKIE, sessionCookieOptions } from "./session-cookie";
import { createSessionRecord, deleteSessionRecord, getUserForSessionToken, type SessionUser } from "./session-store";

// Server-only: reads and writes the `ferry_session` cookie through Next's request context.
// Never import this from a client component.

export type { SessionUser };

/** Starts a session for `userId` and sets the cookie. Server actions and route handlers only. */
export async function createSession(userId: string): Promise<void> {
  const { token, expiresAt } = await createSessionRecord(getPrisma(), userId);
  const secure = wantsSecureCookie(await headers());
  (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(expiresAt, secure));
}

/** Ends the current session (row and cookie). Server actions and route handlers only. */
export async function destroySession(): Promise<void> {
  const jar = await cookies();
  await deleteSessionRecord(getPrisma(), jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
}

/** The signed-in user, looked up once per request however many components ask. */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return getUserForSessionToken(getPrisma(), token);
});

/**
 * The signed-in user, or: in a page, a redirect to `/signin?next=<this page>`; in a server action,
 * an UnauthenticatedError (a redirect would silently drop what the person submitted). The mode is
 * detected from the `next-action` header unless given.
 */
export async function requireUser(mode?: "page" | "action"): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (user) return user;
  const requestHeaders = await headers();
  const inAction = mode ? mode === "action" : requestHeaders.has("next-action");
  if (inAction) throw new UnauthenticatedError();
  redirect(signInPath(requestHeaders.get(REQUEST_PATH_HEADER)));
}
