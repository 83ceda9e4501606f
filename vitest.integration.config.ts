import { defineConfig } from "vitest/config";
import path from "node:path";

// Integration tests run against a real PostgreSQL: embedded (started once in globalSetup) unless
// DATABASE_URL is set. Each test file gets its own database cloned from a migrated template.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.int.test.ts", "app/**/*.int.test.ts", "scripts/**/*.int.test.ts"],
    environment: "node",
    globalSetup: ["lib/db/testing/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
