import { defineConfig } from "@playwright/test";
import { browserOptions, runOptions } from "./e2e/playwright-shared";

// Several replicas on one PostgreSQL (e2e/replicas): two web processes and two workers on the
// production build that scripts/test.ts has just made, and the GitHub test server. The spec starts
// them itself (e2e/replicas/cluster.ts) rather than as webServers: it kills one with SIGKILL midway.
// Ports FERRY_E2E_PORT+40 … +44; the database on a free port.
export default defineConfig({
  ...runOptions,
  testDir: "e2e/replicas",
  outputDir: "test-results/replicas",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: process.env.FERRY_E2E_REPLICAS_REPORT ?? "test-results/e2e-replicas.json" }]],
  use: browserOptions("http://localhost"),
});
