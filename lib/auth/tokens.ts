import { createHash, randomBytes } from "node:crypto";

/** 32 random bytes as base64url: the secret a cookie or an API token carries. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Only the sha256 of a secret is stored, so a leaked database (or a backup) cannot be replayed as a
 * session or a token. No salt or slow hash is needed: the secret has 256 bits of entropy.
 */
export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
