import { defineConfig } from "@playwright/test";
import path from "node:path";
import os from "node:os";
import { browserOptions, portalServer, runOptions } from "./e2e/playwright-shared";

// e2e runs the production build (`next build` is done by scripts/test.ts, then `npm start`'s launcher
// sees a fresh build) against a fresh embedded PostgreSQL and fresh demo repositories in a temp dir.
// The promotion flow against the GitHub and GitLab test servers has its own config and portal:
// playwright.forges.config.ts (e2e/forges); the field-corpus repositories have theirs: playwright.field.config.ts (e2e/field).
const port = Number(process.env.FERRY_E2E_PORT ?? 3100);
// Set for the specs too (workers inherit it): e2e/update-on-head.spec.ts commits to a demo repository there.
process.env.FERRY_E2E_DATA_DIR ??= path.join(os.tmpdir(), `ferry-e2e-${process.pid}`);
const dataDir = process.env.FERRY_E2E_DATA_DIR;

export default defineConfig({
  ...runOptions,
  testDir: "e2e",
  testIgnore: ["forges/**", "field/**", "live/**", "oidc/**", "kubernetes/**", "replicas/**"],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: process.env.FERRY_E2E_REPORT ?? "test-results/e2e.json" }]],
  use: browserOptions(`http://localhost:${port}`),
  webServer: portalServer({ port, dataDir }),
});
