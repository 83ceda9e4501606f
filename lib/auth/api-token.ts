import type { PrismaClient } from "@/lib/db/generated/client";
import { getPrisma } from "@/lib/db/client";
import type { TokenActor } from "./policy";
import { newSecret, sha256Hex } from "./tokens";

// API tokens for CI and the CLI (`Authorization: Bearer ferry_…`). Only the sha256 is stored;
// the plaintext is shown once, at creation.

const PREFIX = "ferry_";

// The prefix makes a leaked token recognisable to secret scanners and in logs.
const API_TOKEN = /^ferry_[A-Za-z0-9_-]{43}$/;

// Writing lastUsedAt on every request would turn each CI call into a row update; once a minute is
// precise enough to tell a token in use from a forgotten one.
const LAST_USED_GRANULARITY_MS = 60_000;

export interface CreatedApiToken {
  id: number;
  name: string;
  teams: string[];
  /** The plaintext token. It is not stored: show it once and forget it. */
  token: string;
}

export async function createApiToken(
  prisma: PrismaClient,
  input: { name: string; teams: string[]; createdById: string | null },
): Promise<CreatedApiToken> {
  const token = `${PREFIX}${newSecret()}`;
  const teams = [...new Set(input.teams)].sort();
  const row = await prisma.apiToken.create({
    data: { name: input.name, teams, createdById: input.createdById, tokenHash: sha256Hex(token) },
    select: { id: true, name: true, teams: true },
  });
  return { ...row, token };
}

/** Marks a token revoked; it stops working at once. Returns false when there was no such live token. */
export async function revokeApiToken(prisma: PrismaClient, id: number, now: Date = new Date()): Promise<boolean> {
  const { count } = await prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  return count > 0;
}

/** The token actor for a plaintext token, or null when it is malformed, unknown or revoked. */
export async function authenticateApiToken(
  prisma: PrismaClient,
  token: string,
  now: Date = new Date(),
): Promise<TokenActor | null> {
  if (!API_TOKEN.test(token)) return null;
  const row = await prisma.apiToken.findUnique({ where: { tokenHash: sha256Hex(token) } });
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { kind: "token", id: String(row.id), name: row.name, teams: [...row.teams].sort() };
}

/** Reads `Authorization: Bearer <token>` from an API request; null when absent or not valid. */
export async function authenticateBearer(
  request: Request,
  prisma: PrismaClient = getPrisma(),
): Promise<TokenActor | null> {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match?.[1]) return null;
  return authenticateApiToken(prisma, match[1]);
}
