import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { browserOptions, portalServer, runOptions } from "./e2e/playwright-shared";

// The portal on two real public GitOps repositories of the field corpus (../shared/field-corpus,
// git bundles at pinned commits): a Flux monorepo (clusters → infrastructure and apps through an
// ArtifactGenerator) and an Argo CD ApplicationSet repository. Each is cloned from its bundle into this
// run's data dir and configured as a plain git repository; nothing of them is known to product code.
export const FIELD_REPOS = {
  flux: { name: "flux-helm-example", bundle: "fluxcd__flux2-kustomize-helm-example" },
  argo: { name: "many-appsets", bundle: "kostis-codefresh__many-appsets-demo" },
} as const;

const port = Number(process.env.FERRY_E2E_PORT ?? 3100) + 20;
process.env.FERRY_E2E_FIELD_DATA_DIR ??= path.join(os.tmpdir(), `ferry-e2e-field-${process.pid}`);
const dataDir = process.env.FERRY_E2E_FIELD_DATA_DIR;
const bundles = process.env.FERRY_FIELD_CORPUS_BUNDLES ?? path.resolve("..", "shared", "field-corpus", "bundles");
const reposDir = path.join(dataDir, "field-repos");

// Workers load this file too: clone once, in the runner, before the portal starts.
for (const repo of Object.values(FIELD_REPOS)) {
  const dest = path.join(reposDir, repo.name);
  if (existsSync(dest)) continue;
  mkdirSync(reposDir, { recursive: true });
  execFileSync("git", ["clone", "-q", path.join(bundles, `${repo.bundle}.bundle`), dest]);
}

export default defineConfig({
  ...runOptions,
  testDir: "e2e/field",
  outputDir: "test-results/field",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: process.env.FERRY_E2E_FIELD_REPORT ?? "test-results/e2e-field.json" }]],
  use: browserOptions(`http://localhost:${port}`),
  webServer: portalServer({
    port,
    dataDir,
    env: {
      FERRY_REPOSITORIES: JSON.stringify(Object.values(FIELD_REPOS).map((r) => ({ name: r.name, provider: "git", url: path.join(reposDir, r.name), branch: "main" }))),
      FERRY_CONFIG: undefined,
    },
  }),
});
