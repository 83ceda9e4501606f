import type { PrismaClient } from "@/lib/db/generated/client";
import type { UserActor } from "./policy";
import { SESSION_TTL_MS } from "./session-cookie";
import { newSecret, sha256Hex } from "./tokens";

// The database half of sessions, free of Next's request context so it is tested directly.
// session.ts binds it to the `ferry_session` cookie.

export type SessionUser = UserActor;

const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Creates a Session row; returns the plaintext token (for the cookie) and when it expires. */
export async function createSessionRecord(
  prisma: PrismaClient,
  userId: string,
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await prisma.session.create({ data: { id: sha256Hex(token), userId, expiresAt } });
  return { token, expiresAt };
}

/** The signed-in user for a cookie token, or null when it is malformed, unknown or expired. */
export async function getUserForSessionToken(
  prisma: PrismaClient,
  token: string | undefined | null,
  now: Date = new Date(),
): Promise<SessionUser | null> {
  if (!token || !SESSION_TOKEN.test(token)) return null;
  const id = sha256Hex(token);
  // One statement (relationJoins, prisma/schema.prisma): every page and API call asks this.
  const session = await prisma.session.findUnique({
    where: { id },
    include: { user: { include: { memberships: { include: { team: { select: { name: true } } } } } } },
  });
  if (!session) return null;
  if (session.expiresAt.getTime() <= now.getTime()) {
    // Tidy up while we are here; a concurrent request may have deleted it already.
    await prisma.session.deleteMany({ where: { id } });
    return null;
  }
  const { user } = session;
  return {
    kind: "user",
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    teams: user.memberships.map((m) => m.team.name).sort(),
  };
}

/** Deletes the session a token names (sign-out). Unknown tokens are ignored. */
export async function deleteSessionRecord(prisma: PrismaClient, token: string | undefined | null): Promise<void> {
  if (!token || !SESSION_TOKEN.test(token)) return;
  await prisma.session.deleteMany({ where: { id: sha256Hex(token) } });
}

/** Removes expired sessions; for a periodic job. Returns how many were deleted. */
export async function deleteExpiredSessions(prisma: PrismaClient, now: Date = new Date()): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
