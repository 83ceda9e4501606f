import { defineConfig } from "@playwright/test";
import path from "node:path";
import os from "node:os";
import { liveE2e } from "./e2e/live/argocd";
import { browserOptions, portalServer, runOptions } from "./e2e/playwright-shared";

// Live state in the browser: the Argo CD test server (e2e/live/serve-argocd.ts, validated against
// argocd-swagger.json) reports Applications for the demo repositories; a portal of its own (port
// FERRY_E2E_PORT+20, fresh database and demo repositories in its own data dir) follows it.
const e2e = liveE2e();
const dataDir = process.env.FERRY_E2E_LIVE_DATA_DIR ?? path.join(os.tmpdir(), `ferry-e2e-live-${process.pid}`);

export default defineConfig({
  ...runOptions,
  testDir: "e2e/live",
  outputDir: "test-results/live",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [["list"], ["json", { outputFile: process.env.FERRY_E2E_LIVE_REPORT ?? "test-results/e2e-live.json" }]],
  use: browserOptions(e2e.portal),
  webServer: [
    {
      name: "argocd",
      command: `node --import tsx e2e/live/serve-argocd.ts ${path.join(dataDir, "repos", "payments-gitops")}`,
      url: `${e2e.control}/health`,
      timeout: 60_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
      stdout: "pipe",
      stderr: "pipe",
    },
    portalServer({
      port: e2e.portalPort,
      dataDir,
      env: {
        FERRY_REPOSITORIES: undefined,
        FERRY_CONFIG: undefined,
        FERRY_LIVE_SOURCES: JSON.stringify([{ name: e2e.source, kind: "argocd", url: e2e.argocd }]),
        FERRY_LIVE_ARGOCD_E2E_TOKEN: e2e.token,
      },
    }),
  ],
});
