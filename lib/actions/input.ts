import { z } from "zod";

// Shapes of input shared by every action and route, checked at the edge so that what Postgres cannot
// hold (an id beyond its int4 columns, a NUL byte in text) is refused with a message, not a 500.

/** Largest value of a Postgres `integer` (SERIAL ids). */
export const INT4_MAX = 2_147_483_647;

/** A row id as a form or URL gives it: a positive integer that fits the int4 column. */
export const recordId = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .positive("must be positive")
  .max(INT4_MAX, `must be at most ${INT4_MAX}`);

/** A positive id from a URL segment, or null (so the page answers 404 instead of asking Postgres). */
export function parseRecordId(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= INT4_MAX ? n : null;
}

/**
 * A name from a URL segment, decoded; null when it cannot be a name (bad percent-encoding, a NUL byte,
 * longer than any name), so the page answers 404 instead of a 500 from decodeURIComponent or Postgres.
 */
export function urlName(raw: string): string | null {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return name.length === 0 || name.length > 253 || name.includes("\u0000") ? null : name;
}

/** The path (e.g. "name" or "details.team") of the first string holding a NUL byte, or null. */
export function findNulByte(value: unknown, path: string[] = []): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") || "input" : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = findNulByte(v, [...path, String(i)]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object" && !(value instanceof Blob)) {
    for (const [k, v] of Object.entries(value)) {
      const found = findNulByte(v, [...path, k]);
      if (found !== null) return found;
    }
  }
  return null;
}
