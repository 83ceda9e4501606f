import { isHttpsRequest } from "./session-cookie";

// Where the portal is served from, as the configuration says (FERRY_PUBLIC_URL) rather than as a
// request claims. No database or Next imports: the sign-out route and proxy.ts can use it.

type Env = Record<string, string | undefined>;
type Headers = { get(name: string): string | null };

/** The origin of FERRY_PUBLIC_URL ("https://ferry.example.com"), or null when unset or not a URL. */
export function publicOrigin(env: Env = process.env): string | null {
  const raw = env.FERRY_PUBLIC_URL?.trim();
  if (!raw) return null;
  try {
    return new URL(raw).origin;
  } catch {
    return null;
  }
}

/** `FERRY_TRUST_PROXY=1|true`: the reverse proxy in front sets X-Forwarded-Host, so it may be believed. */
export function trustsProxy(env: Env = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.FERRY_TRUST_PROXY?.trim() ?? "");
}

/**
 * Whether the session cookie must be `Secure`: always when the public URL is https (whatever a proxy
 * forwards, or forgets to), else when the browser reached us over https (X-Forwarded-Proto, Origin).
 */
export function wantsSecureCookie(headers: Headers, env: Env = process.env): boolean {
  return publicOrigin(env)?.startsWith("https://") === true || isHttpsRequest(headers);
}

/**
 * Whether a cookie-authenticated write comes from the portal's own pages. A browser's Sec-Fetch-Site
 * decides when sent; else the Origin header must be FERRY_PUBLIC_URL's origin or the Host the request
 * was sent to. X-Forwarded-Host is any client's to set, so it counts only under FERRY_TRUST_PROXY.
 */
export function isSameOrigin(request: { headers: Headers }, env: Env = process.env): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = request.headers.get("origin");
  if (!origin) return false;
  let claimed: URL;
  try {
    claimed = new URL(origin);
  } catch {
    return false;
  }
  if (claimed.origin === publicOrigin(env)) return true;
  const host = (trustsProxy(env) ? request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined) || request.headers.get("host");
  return host !== null && host !== undefined && claimed.host === host;
}
