// Kept free of imports: proxy.ts builds the policy for every page request.

/** Request header carrying this request's nonce to server components (Next reads the policy header itself). */
export const NONCE_HEADER = "x-nonce";

/** 128 random bits, base64: unguessable and fresh for every page view. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * The policy for one page response. Scripts run only when they carry this response's nonce (Next puts it
 * on its own scripts, reading it from the request's copy of this header) or when a nonced script loads
 * them ('strict-dynamic'); 'self' is kept for browsers without CSP level 3, which ignore strict-dynamic.
 *
 * Styles: `<style>` and stylesheets need the nonce or this origin (Tailwind's file). Style *attributes*
 * stay allowed (style-src-attr): React renders `style={…}` props as attributes in server HTML, and an
 * attribute styles only its own element — it cannot run code or read the page, unlike an injected
 * `<style>` whose selectors can leak attribute values.
 *
 * No form-action: a sign-in form may redirect to an identity provider. Development adds 'unsafe-eval',
 * which React uses there (and only there) to rebuild server stacks in the browser.
 */
export function contentSecurityPolicy(nonce: string, opts: { development?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** For responses that are data, not pages (API routes, /metrics): nothing may load, nothing may frame them. */
export const DATA_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
