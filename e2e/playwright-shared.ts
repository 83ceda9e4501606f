import type { PlaywrightTestConfig } from "@playwright/test";

// What playwright.config.ts (the demo portal) and playwright.forges.config.ts (the portal against the
// GitHub and GitLab test servers) share: one worker, Debian's Chromium, and the portal started as
// `npm start` starts it, on the production build that scripts/test.ts has just made.

type WebServer = Extract<NonNullable<PlaywrightTestConfig["webServer"]>, unknown[]>[number];

export const runOptions = {
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
} satisfies PlaywrightTestConfig;

export function browserOptions(baseURL: string): NonNullable<PlaywrightTestConfig["use"]> {
  return {
    baseURL,
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
  };
}

/**
 * The portal on `port` with a fresh embedded PostgreSQL in `dataDir`. Periodic sync runs once a day
 * (at midnight): what the tests see change comes from their own actions (and, with forges, from
 * webhooks), not from a background poll. `env` values of undefined remove an inherited variable.
 */
export function portalServer(opts: { port: number; dataDir: string; env?: Record<string, string | undefined> }): WebServer {
  return {
    name: "portal",
    command: "node --import tsx scripts/start.ts",
    url: `http://localhost:${opts.port}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    // SIGTERM lets the launcher stop Next.js and the embedded PostgreSQL in order (SIGKILL would orphan them).
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
    // child_process ignores undefined values, so they unset what the runner's environment has.
    env: {
      PORT: String(opts.port),
      FERRY_DATA_DIR: opts.dataDir,
      DATABASE_URL: "",
      FERRY_SYNC_INTERVAL_SECONDS: "86400",
      NEXT_TELEMETRY_DISABLED: "1",
      ...opts.env,
    } as Record<string, string>,
  };
}
