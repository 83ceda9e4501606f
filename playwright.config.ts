import { defineConfig } from "@playwright/test";
import path from "node:path";
import os from "node:os";

// e2e runs the production build (`next build` is done by scripts/test.ts, then `npm start`'s launcher
// sees a fresh build) against a fresh embedded PostgreSQL and fresh demo repositories in a temp dir.
const port = Number(process.env.FERRY_E2E_PORT ?? 3100);
const dataDir = process.env.FERRY_E2E_DATA_DIR ?? path.join(os.tmpdir(), `ferry-e2e-${process.pid}`);

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["json", { outputFile: process.env.FERRY_E2E_REPORT ?? "test-results/e2e.json" }]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: "node --import tsx scripts/start.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    // SIGTERM lets the launcher stop Next.js and the embedded PostgreSQL in order (SIGKILL would orphan them).
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      FERRY_DATA_DIR: dataDir,
      DATABASE_URL: "",
      FERRY_SYNC_INTERVAL_SECONDS: "3600",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
