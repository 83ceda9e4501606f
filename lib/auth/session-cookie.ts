// Kept free of imports so proxy.ts can read the cookie name without pulling in Prisma.

export const SESSION_COOKIE = "ferry_session";

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Request header proxy.ts sets to the requested path, so a page can send people back after sign-in. */
export const REQUEST_PATH_HEADER = "x-ferry-path";

export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: "/";
  expires: Date;
}

export function sessionCookieOptions(expires: Date, secure: boolean): SessionCookieOptions {
  return { httpOnly: true, sameSite: "lax", secure, path: "/", expires };
}

/**
 * Whether the browser reached us over https. Behind a TLS-terminating proxy the socket is plain http,
 * so the forwarded protocol wins; `origin` is what the browser itself says on POSTs.
 */
export function isHttpsRequest(headers: { get(name: string): string | null }): boolean {
  const forwarded = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return headers.get("origin")?.toLowerCase().startsWith("https://") ?? false;
}
