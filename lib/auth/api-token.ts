import type { PrismaClient } from "@/lib/db/generated/client";
import { getPrisma } from "@/lib/db/client";
import { UnauthenticatedError } from "./errors";
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

/** How long a new token lives unless its creator says otherwise: `FERRY_API_TOKEN_DAYS`, default 90. */
export function defaultTokenDays(env: Record<string, string | undefined> = process.env): number {
  const raw = env.FERRY_API_TOKEN_DAYS?.trim();
  if (!raw) return 90;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) throw new Error(`FERRY_API_TOKEN_DAYS must be a whole number of days from 1 to ${MAX_TOKEN_DAYS}, not "${raw}"`);
  return days;
}

export const MAX_TOKEN_DAYS = 3650;
const DAY_MS = 24 * 60 * 60 * 1000;

/** When a token stops working; rows written without one (outside createApiToken) get the default lifetime from creation. */
export function tokenExpiry(row: { createdAt: Date; expiresAt: Date | null }): Date {
  return row.expiresAt ?? new Date(row.createdAt.getTime() + defaultTokenDays() * DAY_MS);
}

export interface CreatedApiToken {
  id: number;
  name: string;
  teams: string[];
  expiresAt: Date;
  /** The plaintext token. It is not stored: show it once and forget it. */
  token: string;
}

export async function createApiToken(
  prisma: PrismaClient,
  input: { name: string; teams: string[]; createdById: string | null; days?: number },
  now: Date = new Date(),
): Promise<CreatedApiToken> {
  const token = `${PREFIX}${newSecret()}`;
  const teams = [...new Set(input.teams)].sort();
  const expiresAt = new Date(now.getTime() + (input.days ?? defaultTokenDays()) * DAY_MS);
  const row = await prisma.apiToken.create({
    data: { name: input.name, teams, createdById: input.createdById, tokenHash: sha256Hex(token), createdAt: now, expiresAt },
    select: { id: true, name: true, teams: true },
  });
  return { ...row, expiresAt, token };
}

/** Marks a token revoked; it stops working at once. Returns false when there was no such live token. */
export async function revokeApiToken(prisma: PrismaClient, id: number, now: Date = new Date()): Promise<boolean> {
  const { count } = await prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  return count > 0;
}

/**
 * The token actor for a plaintext token, or null when it is malformed, unknown or revoked. An expired
 * token throws an UnauthenticatedError saying so (401 with that message): CI should learn why it stopped.
 */
export async function authenticateApiToken(
  prisma: PrismaClient,
  token: string,
  now: Date = new Date(),
): Promise<TokenActor | null> {
  if (!API_TOKEN.test(token)) return null;
  const row = await prisma.apiToken.findUnique({ where: { tokenHash: sha256Hex(token) } });
  if (!row || row.revokedAt) return null;
  const expiry = tokenExpiry(row);
  if (expiry.getTime() <= now.getTime()) {
    throw new UnauthenticatedError(`API token "${row.name}" expired on ${expiry.toISOString().slice(0, 10)}: an admin can create a new one under Settings → API tokens.`);
  }
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
