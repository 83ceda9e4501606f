import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openGrant, sealGrant, tokenKey, TokenVaultError } from "./token-vault";

const key = randomBytes(32);
const grant = { accessToken: "gho_secret-access", refreshToken: "refresh-secret", expiresAt: 1_800_000_000_000 };

describe("token vault", () => {
  it("seals a grant so the stored text holds no token, and opens it again", () => {
    const sealed = sealGrant(key, "oidc:pat", grant);
    expect(sealed).not.toContain("secret");
    expect(sealed).toMatch(/^v1\./);
    expect(openGrant(key, "oidc:pat", sealed)).toEqual(grant);
    // A fresh IV each time: equal grants do not look equal at rest.
    expect(sealGrant(key, "oidc:pat", grant)).not.toBe(sealed);
  });

  it("refuses another key, another user's row and altered text", () => {
    const sealed = sealGrant(key, "oidc:pat", grant);
    expect(() => openGrant(randomBytes(32), "oidc:pat", sealed)).toThrow(TokenVaultError);
    expect(() => openGrant(key, "oidc:ada", sealed)).toThrow(TokenVaultError);
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[3]!, "base64url");
    flipped[0]! ^= 1;
    expect(() => openGrant(key, "oidc:pat", [...parts.slice(0, 3), flipped.toString("base64url")].join("."))).toThrow(TokenVaultError);
    expect(() => openGrant(key, "oidc:pat", "plain-token")).toThrow(TokenVaultError);
  });

  it("reads the key from the environment as base64 of 32 bytes, and none means none", () => {
    expect(tokenKey({})).toBeNull();
    expect(tokenKey({ FERRY_TOKEN_ENCRYPTION_KEY: key.toString("base64") })?.equals(key)).toBe(true);
    expect(() => tokenKey({ FERRY_TOKEN_ENCRYPTION_KEY: "short" })).toThrow(/32 bytes/);
  });
});
