import { defineConfig } from "@playwright/test";
import os from "node:os";
import path from "node:path";
import { kubernetesE2e } from "./e2e/kubernetes/cluster";
import { browserOptions, portalServer, runOptions } from "./e2e/playwright-shared";

// Live state from a Kubernetes API in the browser, for clusters reconciled by Flux: the Kubernetes API
// test server (e2e/kubernetes/serve-kubernetes.ts, objects validated against the Flux CRDs) reports the
// fleet demo repository's production Kustomizations; a portal of its own (port FERRY_E2E_PORT+50, fresh
// database and demo repositories in its own data dir) follows it through @kubernetes/client-node.
const e2e = kubernetesE2e();
const dataDir = process.env.FERRY_E2E_KUBERNETES_DATA_DIR ?? path.join(os.tmpdir(), `ferry-e2e-kubernetes-${process.pid}`);

export default defineConfig({
  ...runOptions,
  testDir: "e2e/kubernetes",
  outputDir: "test-results/kubernetes",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [["list"], ["json", { outputFile: process.env.FERRY_E2E_KUBERNETES_REPORT ?? "test-results/e2e-kubernetes.json" }]],
  use: browserOptions(e2e.portal),
  webServer: [
    {
      name: "kubernetes",
      command: `node --import tsx e2e/kubernetes/serve-kubernetes.ts ${path.join(dataDir, "repos", "fleet")}`,
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
        FERRY_LIVE_SOURCES: JSON.stringify([{ name: e2e.source, kind: "kubernetes", url: e2e.api, cluster: e2e.cluster }]),
        FERRY_LIVE_KUBE_E2E_TOKEN: e2e.token,
      },
    }),
  ],
});
