import { defineConfig } from "vitest/config";
import path from "node:path";

// Unit tests: pure code, no database, no network. Integration tests (*.int.test.ts) have their own config.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "components/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["**/*.int.test.ts", "node_modules/**"],
    environment: "node",
    testTimeout: 20_000,
  },
});
