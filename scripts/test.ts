// `npm test`: the whole suite in one command — type check, lint, unit, integration (real Postgres),
// production build and Playwright e2e (real Chromium). Ends with one `N passed, N failed` line that
// counts every test that ran, so CI logs show the count, not just the exit code.
// `npm test -- unit lint` runs only the named stages.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
interface StageResult {
  name: string;
  ok: boolean;
  seconds: number;
  counts?: Counts;
}

const root = path.resolve(import.meta.dirname, "..");
const reports = path.join(root, "test-results");
mkdirSync(reports, { recursive: true });
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const only = process.argv.slice(2);
const results: StageResult[] = [];

interface Step {
  command: string;
  args: string[];
  env?: Record<string, string>;
  counts?: () => Counts | undefined;
}

function run(name: string, command: string, args: string[], env: Record<string, string> = {}, counts?: () => Counts | undefined): boolean {
  return runSteps(name, [{ command, args, env, counts }]);
}

/** One stage of several runs (e.g. two Playwright configs): every step runs, counts add up, any failure fails the stage. */
function runSteps(name: string, steps: Step[]): boolean {
  if (only.length && !only.includes(name)) return true;
  const started = Date.now();
  let ok = true;
  let counted: Counts | undefined;
  for (const step of steps) {
    console.log(`\n▶ ${name}: ${[path.basename(step.command), ...step.args].join(" ")}`);
    const child = spawnSync(step.command, step.args, { cwd: root, stdio: "inherit", env: { ...process.env, ...step.env } });
    const c = step.counts?.();
    // A runner's exit code alone is not trusted: a stage with a failed test has failed, whatever it returned.
    const stepOk = child.status === 0 && (c?.failed ?? 0) === 0;
    if (child.status === 0 && !stepOk) console.log(`${name}: the runner exited 0 but reported ${c?.failed} failed tests`);
    ok = stepOk && ok;
    if (c) counted = { passed: (counted?.passed ?? 0) + c.passed, failed: (counted?.failed ?? 0) + c.failed, skipped: (counted?.skipped ?? 0) + c.skipped };
  }
  const result: StageResult = { name, ok, seconds: (Date.now() - started) / 1000, counts: counted };
  results.push(result);
  return result.ok;
}

function vitestCounts(file: string): () => Counts | undefined {
  return () => {
    if (!existsSync(file)) return undefined;
    const report = JSON.parse(readFileSync(file, "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests?: number;
    };
    return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + (report.numTodoTests ?? 0) };
  };
}

function playwrightCounts(file: string): () => Counts | undefined {
  return () => {
    if (!existsSync(file)) return undefined;
    const { stats } = JSON.parse(readFileSync(file, "utf8")) as {
      stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    };
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
  };
}

const unitReport = path.join(reports, "unit.json");
const integrationReport = path.join(reports, "integration.json");
const e2eReport = path.join(reports, "e2e.json");
const e2eForgesReport = path.join(reports, "e2e-forges.json");
const e2eFieldReport = path.join(reports, "e2e-field.json");
const e2eLiveReport = path.join(reports, "e2e-live.json");
const e2eKubernetesReport = path.join(reports, "e2e-kubernetes.json");
const e2eOidcReport = path.join(reports, "e2e-oidc.json");
const e2eReplicasReport = path.join(reports, "e2e-replicas.json");
for (const file of [unitReport, integrationReport, e2eReport, e2eForgesReport, e2eFieldReport, e2eLiveReport, e2eKubernetesReport, e2eOidcReport, e2eReplicasReport]) rmSync(file, { force: true });

// The ferry CLI runs from its prebuilt bundle when that matches the sources (bin/ferry.js): refresh it
// first so the CLI tests run what users run. A failed build is only a warning here (the CLI then runs
// from the sources); lib/cli/bundle.test.ts builds its own bundle and fails on its own.
spawnSync(process.execPath, [path.join(root, "scripts", "build-cli.mjs"), "--if-possible", "--quiet"], { cwd: root, stdio: "inherit" });

let ok = run("typecheck", bin("tsc"), ["--noEmit", "-p", "."]);
ok = run("lint", bin("eslint"), ["--max-warnings=0", "."]) && ok;
ok =
  run(
    "unit",
    bin("vitest"),
    ["run", "--config", "vitest.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${unitReport}`],
    {},
    vitestCounts(unitReport),
  ) && ok;
// The field corpus (real GitOps repositories with hand-checked truth, in ../shared beside the checkout):
// `ferry scan` must read at least 95% of its cells right and crash on none.
const fieldCorpus = process.env.FERRY_FIELD_CORPUS_RUNNER ?? path.join(root, "..", "shared", "field-corpus", "run.sh");
if (existsSync(fieldCorpus)) {
  const out = mkdtempSync(path.join(os.tmpdir(), "ferry-field-eval-"));
  ok = run("field", "bash", [fieldCorpus, root], { FERRY_EVAL_MIN: process.env.FERRY_EVAL_MIN ?? "95", FERRY_EVAL_OUT: out, FERRY_SCAN_CMD: process.env.FERRY_SCAN_CMD ?? `node ${path.join(root, "bin", "ferry.js")} scan` }) && ok;
  rmSync(out, { recursive: true, force: true });
} else if (!only.length || only.includes("field")) {
  console.log(`field: ${fieldCorpus} not found; the field corpus stage did not run`);
}
ok =
  run(
    "integration",
    bin("vitest"),
    ["run", "--config", "vitest.integration.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${integrationReport}`],
    {},
    vitestCounts(integrationReport),
  ) && ok;
const built = run("build", bin("next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1" });
ok = built && ok;
if (built) {
  // Two portals on the same build, one after the other: the demo repositories (playwright.config.ts),
  // then GitHub and GitLab through their test servers (playwright.forges.config.ts), each on a fresh database.
  const e2eData = mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-"));
  const e2eForgesData = mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-forges-"));
  const e2eFieldData = mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-field-"));
  const e2eLiveData = mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-live-"));
  const e2eKubernetesData = mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-kubernetes-"));
  const e2eOidcData = mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-oidc-"));
  // The third portal reads two field-corpus repositories (playwright.field.config.ts): only where shared/ is.
  const fieldBundles = path.join(root, "..", "shared", "field-corpus", "bundles");
  const fieldStep = existsSync(fieldBundles)
    ? [
        {
          command: bin("playwright"),
          args: ["test", "-c", "playwright.field.config.ts"],
          env: { FERRY_E2E_FIELD_DATA_DIR: e2eFieldData, FERRY_E2E_FIELD_REPORT: e2eFieldReport, FERRY_FIELD_CORPUS_BUNDLES: fieldBundles },
          counts: playwrightCounts(e2eFieldReport),
        },
      ]
    : [];
  ok =
    runSteps("e2e", [
      { command: bin("playwright"), args: ["test"], env: { FERRY_E2E_DATA_DIR: e2eData, FERRY_E2E_REPORT: e2eReport }, counts: playwrightCounts(e2eReport) },
      {
        command: bin("playwright"),
        args: ["test", "-c", "playwright.forges.config.ts"],
        env: { FERRY_E2E_FORGES_DATA_DIR: e2eForgesData, FERRY_E2E_FORGES_REPORT: e2eForgesReport },
        counts: playwrightCounts(e2eForgesReport),
      },
      // Live state from the Argo CD test server (playwright.live.config.ts).
      {
        command: bin("playwright"),
        args: ["test", "-c", "playwright.live.config.ts"],
        env: { FERRY_E2E_LIVE_DATA_DIR: e2eLiveData, FERRY_E2E_LIVE_REPORT: e2eLiveReport },
        counts: playwrightCounts(e2eLiveReport),
      },
      // Live state from a Kubernetes API (Flux objects) through its test server (playwright.kubernetes.config.ts).
      {
        command: bin("playwright"),
        args: ["test", "-c", "playwright.kubernetes.config.ts"],
        env: { FERRY_E2E_KUBERNETES_DATA_DIR: e2eKubernetesData, FERRY_E2E_KUBERNETES_REPORT: e2eKubernetesReport },
        counts: playwrightCounts(e2eKubernetesReport),
      },
      // Sign-in with OpenID Connect against oidc-provider, groups → teams (playwright.oidc.config.ts).
      {
        command: bin("playwright"),
        args: ["test", "-c", "playwright.oidc.config.ts"],
        env: { FERRY_E2E_OIDC_DATA_DIR: e2eOidcData, FERRY_E2E_OIDC_REPORT: e2eOidcReport },
        counts: playwrightCounts(e2eOidcReport),
      },
      // Two web replicas and two workers on one PostgreSQL, one killed midway (playwright.replicas.config.ts).
      {
        command: bin("playwright"),
        args: ["test", "-c", "playwright.replicas.config.ts"],
        env: { FERRY_E2E_REPLICAS_REPORT: e2eReplicasReport },
        counts: playwrightCounts(e2eReplicasReport),
      },
      ...fieldStep,
    ]) && ok;
  rmSync(e2eData, { recursive: true, force: true });
  rmSync(e2eForgesData, { recursive: true, force: true });
  rmSync(e2eFieldData, { recursive: true, force: true });
  rmSync(e2eLiveData, { recursive: true, force: true });
  rmSync(e2eKubernetesData, { recursive: true, force: true });
  rmSync(e2eOidcData, { recursive: true, force: true });
}

console.log("\nstage        result  seconds  tests");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  const c = r.counts;
  if (c) {
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped;
  }
  const tests = c ? `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped` : "";
  console.log(`${r.name.padEnd(12)} ${(r.ok ? "ok" : "FAIL").padEnd(7)} ${r.seconds.toFixed(1).padStart(7)}  ${tests}`);
}
const failedStages = results.filter((r) => !r.ok).map((r) => r.name);
if (failedStages.length) console.log(`failed stages: ${failedStages.join(", ")}`);
// A stage that failed without failing a counted test (type check, lint, build, a crashed runner)
// must still show up as a failure in the closing line.
const uncounted = results.filter((r) => !r.ok && (!r.counts || r.counts.failed === 0)).length;
console.log(`${passed} passed, ${failed + uncounted} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
