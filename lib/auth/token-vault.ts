import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readSecret } from "@/lib/config/secrets";

// Provider tokens (a refresh token, or a forge's user token) are stored so the worker can read a
// person's groups again without them. At rest they are sealed with AES-256-GCM under
// FERRY_TOKEN_ENCRYPTION_KEY (or its _FILE): a copy of the database alone does not hold usable tokens.
// They are read by the worker only and never reach a page or the browser.

/** What a provider handed out at sign-in (or at the last refresh). */
export interface ProviderGrant {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds; absent when the provider gave none (GitHub OAuth app tokens do not expire). */
  expiresAt?: number;
}

const VERSION = "v1";

export class TokenVaultError extends Error {}

/** The key, or null when none is configured (then no provider token is stored). Base64 of 32 bytes. */
export function tokenKey(env: Record<string, string | undefined> = process.env): Buffer | null {
  const raw = readSecret("FERRY_TOKEN_ENCRYPTION_KEY", env)?.trim();
  if (!raw) return null;
  const key = Buffer.from(raw, "base64");
  if (key.length !== 32) throw new TokenVaultError("FERRY_TOKEN_ENCRYPTION_KEY must be base64 of 32 bytes (openssl rand -base64 32)");
  return key;
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url; the user id is bound as associated data, so a sealed grant cannot be moved to another user's row. */
export function sealGrant(key: Buffer, userId: string, grant: ProviderGrant): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(userId, "utf8"));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(grant), "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), sealed.toString("base64url")].join(".");
}

/** The grant, or a TokenVaultError when the key is not the one it was sealed with or the text was altered. */
export function openGrant(key: Buffer, userId: string, sealed: string): ProviderGrant {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || data === undefined) throw new TokenVaultError("not a sealed provider grant");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(userId, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const text = Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    return JSON.parse(text) as ProviderGrant;
  } catch {
    throw new TokenVaultError("the stored provider grant cannot be opened with this FERRY_TOKEN_ENCRYPTION_KEY");
  }
}
