import { defineConfig } from "@playwright/test";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { oidcE2e } from "./e2e/oidc/oidc-e2e";
import { browserOptions, portalServer, runOptions } from "./e2e/playwright-shared";

// Sign-in with OpenID Connect in the browser: a real provider (oidc-provider, e2e/oidc/serve-oidc.ts)
// and a portal of its own (port FERRY_E2E_PORT+30, fresh database and demo repositories) configured
// with FERRY_AUTH=oidc and the group policy e2e/oidc/policy.csv; no demo users.
const e2e = oidcE2e();
const dataDir = process.env.FERRY_E2E_OIDC_DATA_DIR ?? path.join(os.tmpdir(), `ferry-e2e-oidc-${process.pid}`);

export default defineConfig({
  ...runOptions,
  testDir: "e2e/oidc",
  outputDir: "test-results/oidc",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: process.env.FERRY_E2E_OIDC_REPORT ?? "test-results/e2e-oidc.json" }]],
  use: browserOptions(e2e.portal),
  webServer: [
    {
      name: "oidc",
      command: "node --import tsx e2e/oidc/serve-oidc.ts",
      url: `${e2e.issuer}/.well-known/openid-configuration`,
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
        FERRY_AUTH: "oidc",
        FERRY_OIDC_ISSUER: e2e.issuer,
        FERRY_OIDC_CLIENT_ID: e2e.clientId,
        FERRY_OIDC_CLIENT_SECRET: e2e.clientSecret,
        FERRY_OIDC_LABEL: e2e.label,
        FERRY_PUBLIC_URL: e2e.portal,
        FERRY_POLICY_FILE: path.resolve("e2e/oidc/policy.csv"),
        // Refresh tokens are kept (sealed) so the worker reads the groups again every 5 minutes.
        FERRY_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        FERRY_ALLOW_DEMO_SIGNIN: undefined,
      },
    }),
  ],
});
