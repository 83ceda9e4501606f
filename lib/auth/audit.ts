import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import type { Actor } from "./policy";

export type AuditResult = "allowed" | "denied" | "error" | "ok";

export interface AuditEntry {
  /** null for events without a known actor (a failed sign-in). */
  actor: Pick<Actor, "kind" | "id"> | null;
  /** What was attempted: an action name such as "deployment.promote" or "session.signin". */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  result: AuditResult;
  message?: string | null;
  /** The change set or the validated input. Secret-looking keys are redacted before writing. */
  details?: unknown;
  /** Where to look next: the pull request, the app page. */
  link?: string | null;
}

/** Writes one AuditEvent row. Returns its id. */
export async function recordAudit(prisma: PrismaClient, entry: AuditEntry): Promise<number> {
  const details = entry.details === undefined ? undefined : toAuditJson(entry.details);
  const row = await prisma.auditEvent.create({
    data: {
      actorId: entry.actor?.id ?? null,
      actorKind: entry.actor?.kind ?? "anonymous",
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      result: entry.result,
      message: entry.message?.slice(0, 2000) ?? null,
      ...(details === undefined ? {} : { details }),
      link: entry.link ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

// Matches key names, not values: a value cannot be recognised as secret, but the keys that hold
// secrets in Ferry's inputs (token, password, clientSecret, authorization, privateKey…) can.
const SECRET_KEY = /token|secret|password|passphrase|authorization|cookie|private_?key|credential|api_?key/i;

const MAX_DEPTH = 20;

/**
 * A JSON copy of `value` with secret-looking keys replaced by "[redacted]". Dates become ISO strings,
 * bigints strings, functions/undefined are dropped, cycles and very deep nesting are cut off.
 */
export function toAuditJson(value: unknown): Prisma.InputJsonValue | undefined {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): Prisma.InputJsonValue | null | undefined => {
    if (v === null) return null;
    switch (typeof v) {
      case "string":
      case "boolean":
        return v;
      case "number":
        return Number.isFinite(v) ? v : String(v);
      case "bigint":
        return v.toString();
      case "undefined":
      case "function":
      case "symbol":
        return undefined;
    }
    if (v instanceof Date) return v.toISOString();
    const obj = v as object;
    if (depth >= MAX_DEPTH || seen.has(obj)) return "[cut]";
    seen.add(obj);
    if (Array.isArray(obj)) return obj.map((item) => walk(item, depth + 1) ?? null);
    if (obj instanceof Map) return walk(Object.fromEntries(obj), depth);
    if (obj instanceof Set) return walk([...obj], depth);
    const out: Record<string, Prisma.InputJsonValue | null> = {};
    for (const [key, item] of Object.entries(obj)) {
      if (SECRET_KEY.test(key)) {
        out[key] = "[redacted]";
        continue;
      }
      const copied = walk(item, depth + 1);
      if (copied !== undefined) out[key] = copied;
    }
    return out;
  };
  const result = walk(value, 0);
  // Prisma wants JsonNull (not null) for a JSON null; a top-level null detail carries nothing anyway.
  return result === null ? undefined : result;
}
