import { defineConfig } from "@playwright/test";
import path from "node:path";
import os from "node:os";
import { forgePorts, forgeUrls, GITHUB, GITLAB, OAUTH } from "./e2e/forges/forges";
import { githubEnv, gitlabEnv } from "./lib/changes/testing/forge-setup";
import { browserOptions, portalServer, runOptions } from "./e2e/playwright-shared";

// The promotion flow in the browser against GitHub and GitLab: the forge test servers
// (e2e/forges/serve-forges.ts) start first, seeded with the demo payments-gitops history; then a
// portal of its own (port FERRY_E2E_PORT+10, fresh database in its own data dir) configured with one
// repository on each. The demo portal of playwright.config.ts is left as it is.
const ports = forgePorts();
const urls = forgeUrls(ports);
const dataDir = process.env.FERRY_E2E_FORGES_DATA_DIR ?? path.join(os.tmpdir(), `ferry-e2e-forges-${process.pid}`);

const repositories = [
  { name: GITHUB.repository, provider: "github", url: urls.githubRepository, branch: GITHUB.defaultBranch, team: "payments" },
  { name: GITLAB.repository, provider: "gitlab", url: urls.gitlabProject, branch: GITLAB.defaultBranch, team: "payments" },
];

export default defineConfig({
  ...runOptions,
  testDir: "e2e/forges",
  // Traces and screenshots of failures; kept apart from the demo run's (Playwright empties its outputDir).
  outputDir: "test-results/forges",
  // A promotion on GitHub paces its writes one per second, and the merge travels webhook → job → sync.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: process.env.FERRY_E2E_FORGES_REPORT ?? "test-results/e2e-forges.json" }]],
  use: browserOptions(urls.portal),
  // Started in this order (and stopped in reverse): the portal's first sync reads from the forges.
  webServer: [
    {
      name: "forges",
      command: "node --import tsx e2e/forges/serve-forges.ts",
      url: `${urls.control}/health`,
      timeout: 60_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
      stdout: "pipe",
      stderr: "pipe",
    },
    portalServer({
      port: ports.portal,
      dataDir,
      env: {
        FERRY_REPOSITORIES: JSON.stringify(repositories),
        FERRY_CONFIG: undefined,
        FERRY_PUBLIC_URL: urls.portal,
        // The forge's webhooks, not polling, bring merges in: the periodic sync runs once a day
        // (portalServer), and the Changes page only re-reads the portal's cache.
        ...githubEnv({ secret: GITHUB.webhookSecret, apiUrl: urls.githubApi }),
        ...gitlabEnv({ token: GITLAB.token, secret: GITLAB.webhookToken, url: urls.gitlab }),
        // Sign-in with both forges (e2e/forges/sign-in.spec.ts) next to the demo users the promotion specs use.
        FERRY_AUTH: "demo,github,gitlab",
        FERRY_ALLOW_DEMO_SIGNIN: "1",
        FERRY_GITHUB_OAUTH_CLIENT_ID: OAUTH.github.clientId,
        FERRY_GITHUB_OAUTH_CLIENT_SECRET: OAUTH.github.clientSecret,
        FERRY_GITHUB_OAUTH_URL: new URL(urls.githubApi).origin,
        FERRY_GITLAB_OAUTH_CLIENT_ID: OAUTH.gitlab.clientId,
        FERRY_GITLAB_OAUTH_CLIENT_SECRET: OAUTH.gitlab.clientSecret,
        FERRY_POLICY_FILE: path.resolve("e2e/forges/policy.csv"),
      },
    }),
  ],
});
