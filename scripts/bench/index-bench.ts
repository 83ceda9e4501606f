// `npm run bench:index [-- --fresh] [--org default|flux]`: indexing, re-indexing, the matrix page and
// promotion planning on a synthetic org. Prints numbers, asserts nothing: on a shared 2-core box
// timings are noisy, so the load average is printed next to them.
//   --org default (the default): 20 repositories / 2,000 apps / 12,000 deployments in five conventions
//     (conventions.ts), in .bench/org
//   --org flux: 20 Flux platform repositories, 4 clusters each, 2,000 HelmReleases from OCIRepositories
//     via chartRef / 8,000 deployments (generate-flux-org.ts), in .bench/org-flux
// FERRY_BENCH_ORG=flux selects the org as well; the flag wins.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import { readRepository } from "@/lib/gitops/read";
import { openPromotion } from "@/lib/changes/open-promotion";
import { previewPromotion } from "@/lib/changes/preview-promotion";
import { mergeChange } from "@/lib/changes/review-change";
import { refreshRepositoryHistory } from "@/lib/sync/history-job";
import { appName, repoTree } from "./conventions";
import { startBenchDatabase } from "./database";
import { fluxPicks, fluxRepoTree, generateFluxOrg } from "./generate-flux-org";
import { generateOrg, type BenchRepo, type BenchRepoPlan, type GenerateOptions } from "./generate-org";
import { compareReaderWithKustomize } from "./kustomize-compare";
import { loadAverage, log, ms, Report, summarize, timed } from "./measure";
import { measureMatrixPage } from "./page-phase";
import { liveServerGroups } from "./server";
import { fullIndex, incrementalReindex, kustomizePicks, registerRepositories, type IncrementalPick } from "./sync-phase";

const root = path.resolve(import.meta.dirname, "..", "..");
const benchDir = path.join(root, ".bench");
const { values: args } = parseArgs({ options: { fresh: { type: "boolean" }, org: { type: "string" } } });
const fresh = args.fresh === true;
const orgKey = args.org ?? (process.env.FERRY_BENCH_ORG || "default");
const MAX_RENDERED_OVERLAYS = 100;

// Set once PostgreSQL runs, so a Ctrl+C can stop it as well as the web server.
let stopDatabase: (() => Promise<void>) | undefined;

function killServers(): void {
  for (const group of liveServerGroups) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

type AnyRepo = BenchRepo<BenchRepoPlan & { firstApp: number }>;

/** What differs between the orgs; every phase runs the same code on either. */
interface OrgSetup {
  folder: string;
  description: string;
  load: (options: GenerateOptions) => Promise<{ repos: AnyRepo[]; generated: boolean; ms: number; trees: () => Map<string, string>[]; picks: () => IncrementalPick[] }>;
  minApps: number;
  minDeployments: number;
  /** Repository of the incremental and promotion phases, and the promotion's environments. */
  repo: string;
  from: string;
  to: string;
  /** Repository of the reader-vs-kubectl comparison. */
  compareRepo: string;
  /** Said next to that comparison's numbers. */
  compareNote?: string;
}

const ORGS: Record<string, OrgSetup> = {
  default: {
    folder: "org",
    description: "20 repositories / 2,000 apps / 12,000 deployments in five conventions",
    load: async (options) => {
      const org = await generateOrg(options);
      return { ...org, trees: () => org.repos.map((r) => repoTree(r)), picks: () => kustomizePicks(byName(org.repos, "kustomize-01")) };
    },
    minApps: 2_000,
    minDeployments: 12_000,
    repo: "kustomize-01",
    from: "staging",
    to: "production",
    compareRepo: "kustomize-06",
  },
  flux: {
    folder: "org-flux",
    description: "20 Flux platform repositories × 4 clusters, 2,000 HelmReleases (chartRef → OCIRepository), 8,000 deployments",
    load: async (options) => {
      const org = await generateFluxOrg(options);
      return { ...org, trees: () => org.repos.map((r) => fluxRepoTree(r)), picks: () => fluxPicks(byName(org.repos, "flux-platform-01")) };
    },
    minApps: 2_000,
    minDeployments: 8_000,
    repo: "flux-platform-01",
    from: "staging",
    to: "production-eu",
    compareRepo: "flux-platform-06",
    compareNote: "the Flux org deploys charts, not container images: its image comparison only checks that neither side finds one",
  },
};

function byName<R extends AnyRepo>(repos: readonly R[], name: string): R {
  const repo = repos.find((r) => r.name === name);
  if (!repo) throw new Error(`no repository ${name} in the org`);
  return repo;
}

/** Round trip of one trivial statement inside a transaction: what each row-at-a-time write costs at least. */
async function roundTripMs(): Promise<number> {
  const prisma = getPrisma();
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1`;
    const started = performance.now();
    for (let i = 0; i < 200; i++) await tx.$queryRaw`SELECT 1`;
    return (performance.now() - started) / 200;
  });
}

/** CPU share of the full index: the reader alone on all 20 trees with an empty parse cache. */
function readerOnlyMs(trees: readonly Map<string, string>[]): number {
  const started = performance.now();
  for (const tree of trees) readRepository(tree);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const setup = ORGS[orgKey];
  if (!setup) throw new Error(`unknown --org ${orgKey} (orgs: ${Object.keys(ORGS).join(", ")})`);
  const orgDir = path.join(benchDir, setup.folder);
  const shownDir = path.relative(root, orgDir);
  const report = new Report();
  log(`org "${orgKey}": ${setup.description}`);
  const loadStart = loadAverage();
  log(`load average at start: ${loadStart}`);

  log(fresh ? "generating the synthetic org (--fresh)…" : "preparing the synthetic org (reused when present; --fresh regenerates)…");
  const org = await setup.load({ root: orgDir, fresh, log });
  const totalFiles = org.repos.reduce((n, r) => n + r.files, 0);
  log(`org: ${org.repos.length} repositories, ${totalFiles} files, ${org.generated ? `generated in ${ms(org.ms)}` : `reused from ${shownDir}`}`);

  log("starting embedded PostgreSQL in .bench/pg with an empty database…");
  const db = await startBenchDatabase(benchDir, (line) => log(`  ${line}`));
  stopDatabase = () => db.handle.stop();
  log(`  PostgreSQL on port ${db.handle.port}, ${db.migrations} migrations applied`);
  // The sync code (openScmRepository) and the Prisma singleton read these.
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = benchDir;
  const prisma = getPrisma();

  try {
    await registerRepositories(prisma, org.repos);

    log("full index: syncAllRepositories from an empty cache…");
    const full = await fullIndex(prisma);
    log(`  ${ms(full.wallMs)} wall for ${full.files} files, ${full.apps} apps, ${full.deployments} deployments; per repo min ${ms(full.perRepo.min)} / median ${ms(full.perRepo.p50)} / max ${ms(full.perRepo.max)}`);
    report.add("full_index_ms", "full index (20 repos, empty cache)", full.wallMs, "ms", { max: 10_000 });
    report.add("full_index_repo_min_ms", "  per repo min", full.perRepo.min, "ms");
    report.add("full_index_repo_median_ms", "  per repo median", full.perRepo.p50, "ms");
    report.add("full_index_repo_max_ms", "  per repo max", full.perRepo.max, "ms");
    report.add("indexed_apps", "  apps indexed", full.apps, "count", { min: setup.minApps });
    report.add("indexed_deployments", "  deployments indexed", full.deployments, "count", { min: setup.minDeployments });
    const failed = full.results.filter((r) => r.status !== "synced");
    if (failed.length) report.note(`${failed.length} repositories did not sync: ${failed.map((r) => `${r.repository} (${r.status})`).join(", ")}`);

    const readerMs = readerOnlyMs(org.trees());
    const rtt = await roundTripMs();
    log(`  breakdown: the reader alone needs ${ms(readerMs)} for all 20 trees; one DB round trip in a transaction ≈ ${rtt.toFixed(2)} ms`);
    report.add("full_index_reader_only_ms", "  of which reader (all trees, cold)", readerMs, "ms");
    report.add("db_round_trip_ms", "  DB round trip in a transaction", rtt, "ms");

    log(`incremental re-index: 5 one-file commits in ${setup.repo}, each followed by syncRepositoryNow…`);
    const inc = await incrementalReindex(prisma, byName(org.repos, setup.repo), org.picks());
    const incSummary = summarize(inc.runs);
    const noChange = summarize(inc.noChange);
    report.add("incremental_p50_ms", "incremental re-index p50 (1 file)", incSummary.p50, "ms", { max: 300 });
    report.add("incremental_max_ms", "incremental re-index max", incSummary.max, "ms", { max: 300 });
    report.add("incremental_rows_rewritten", `deployment rows rewritten per 1-file sync (of ${inc.cells})`, summarize(inc.rewritten).p50, "count", { max: 10 });
    report.add("no_change_sync_p50_ms", "no-change sync p50", noChange.p50, "ms", { max: 50 });
    for (const p of inc.problems) report.note(`incremental: ${p}`);

    // In the portal this is the worker's job after a sync (off the sync's path): timed here on its own.
    log(`cells' history of ${setup.repo} (the worker's cell-history job, run until nothing is pending)…`);
    const history = await timed(async () => {
      const total = { runs: 0, refreshed: 0, commitsRead: 0 };
      for (let done = await refreshRepositoryHistory(prisma, setup.repo); done; done = done.pending ? await refreshRepositoryHistory(prisma, setup.repo) : null) {
        total.runs++;
        total.refreshed += done.refreshed;
        total.commitsRead += done.commitsRead;
      }
      return total;
    });
    log(`  ${ms(history.ms)}: ${history.value.refreshed} cells, ${history.value.commitsRead} old commits read, ${history.value.runs} run(s)`);
    report.add("cell_history_ms", `cells' history of one repository (${history.value.refreshed} cells, ${history.value.commitsRead} commits read)`, history.ms, "ms");

    log("promotion plan from the cache: previewPromotion({ sync: false }) ×10…");
    const benchRepo = byName(org.repos, setup.repo);
    const request = { repository: benchRepo.name, app: appName(benchRepo.firstApp + 10), from: setup.from, to: setup.to, mode: "version" as const, allowDowngrade: false, allowFloating: false, allowReplaceDigestPin: false, allowUnpin: false };
    const previews: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { ms: took, value: preview } = await timed(() => previewPromotion(prisma, request, { sync: false }));
      previews.push(took);
      if (i === 0) {
        const plan = preview.plan;
        const what = plan.status === "changes" ? `${plan.changeSet.edits.length} file edit(s), ${plan.fields.length} field(s)` : plan.status;
        log(`  ${request.app} ${request.from} → ${request.to}: ${what}; first run ${ms(took)}`);
        if (plan.status !== "changes") report.note(`promotion preview planned "${plan.status}", not a change: the timing may not cover the planner`);
      }
    }
    const preview = summarize(previews);
    log(`  p50 ${ms(preview.p50)}, max ${ms(preview.max)}`);
    report.add("promotion_preview_p50_ms", "promotion preview p50 (cache)", preview.p50, "ms", { max: 200 });
    report.add("promotion_preview_max_ms", "promotion preview max", preview.max, "ms", { max: 200 });

    // The whole write path a person triggers with "Open change request": sync check, lock, re-plan,
    // commit on a new branch, change request row; then a reviewer's merge and the sync after it.
    log("full promotion end to end: openPromotion ×3 (new branches), then mergeChange ×1…");
    // The org is kept between runs: branches an earlier run opened would make these "up to date".
    const repoDir = path.join(orgDir, benchRepo.name);
    const stale = execFileSync("git", ["-C", repoDir, "for-each-ref", "--format=%(refname:short)", "refs/heads/ferry/"], { encoding: "utf8" }).split("\n").filter(Boolean);
    if (stale.length > 0) execFileSync("git", ["-C", repoDir, "branch", "-q", "-D", ...stale]);
    const requester = { id: "bench", name: "Ferry Bench", email: "bench@ferry.invalid" };
    const opened: number[] = [];
    let firstChange: number | null = null;
    // Earlier runs merged some of these (the org is kept): promote apps that still differ.
    const candidates: string[] = [];
    for (let i = 20; i < 80 && candidates.length < 3; i++) {
      const app = appName(benchRepo.firstApp + i);
      if ((await previewPromotion(prisma, { ...request, app }, { sync: false })).plan.status === "changes") candidates.push(app);
    }
    for (const app of candidates) {
      const { ms: took, value: result } = await timed(() => openPromotion(prisma, { ...request, app }, requester));
      opened.push(took);
      if (result.status !== "opened") report.note(`openPromotion of ${app} was "${result.status}", not "opened"`);
      else firstChange ??= result.change.id;
    }
    const open = summarize(opened);
    log(`  open p50 ${ms(open.p50)}, max ${ms(open.max)}`);
    report.add("promotion_open_p50_ms", "full promotion (open change) p50", open.p50, "ms");
    if (firstChange !== null) {
      const changeId = firstChange;
      const { ms: mergeMs } = await timed(() => mergeChange(prisma, changeId, requester));
      log(`  merge + sync ${ms(mergeMs)}`);
      report.add("promotion_merge_ms", "merge of that change + sync", mergeMs, "ms");
    }

    log("matrix page: next start against the bench database…");
    const page = await measureMatrixPage(prisma, {
      root,
      connectionString: db.connectionString,
      dataDir: benchDir,
      logFile: path.join(benchDir, "server.log"),
      htmlFile: path.join(benchDir, "matrix-page.html"),
      requests: 20,
      searchTerm: "checkout",
    });
    if (page.builtFirst) report.note("there was no production build: next build ran before the page measurements");
    report.add("page_cold_ms", "GET / first request (cold, total)", page.coldMs, "ms");
    report.add("page_ttfb_p50_ms", "GET / TTFB p50 (20 requests)", page.home.ttfb.p50, "ms");
    report.add("page_ttfb_p95_ms", "GET / TTFB p95", page.home.ttfb.p95, "ms", { max: 300 });
    report.add("page_total_p50_ms", "GET / full response p50", page.home.total.p50, "ms");
    report.add("page_total_p95_ms", "GET / full response p95", page.home.total.p95, "ms");
    report.add("page_html_kb", "GET / HTML size (page 1)", page.firstPageBytes / 1024, "KB", { max: 300 });
    report.add("page_html_script_kb", "  of which inline RSC payload scripts", page.scriptBytes / 1024, "KB");
    report.add("matrix_query_p50_ms", "getMatrix / in process p50 (no render)", page.queryP50.home, "ms");
    report.add("matrix_query_drift_p50_ms", "getMatrix ?drift=1 in process p50", page.queryP50.drift, "ms");
    report.add("matrix_query_search_p50_ms", `getMatrix ?q=${page.searchTerm} in process p50`, page.queryP50.search, "ms");
    report.add("page_drift_ttfb_p50_ms", "GET /?drift=1 TTFB p50", page.drift.ttfb.p50, "ms");
    report.add("page_drift_total_p50_ms", "GET /?drift=1 full response p50", page.drift.total.p50, "ms");
    report.add("page_search_ttfb_p50_ms", `GET /?q=${page.searchTerm} TTFB p50`, page.search.ttfb.p50, "ms");
    report.add("page_search_total_p50_ms", `GET /?q=${page.searchTerm} full response p50`, page.search.total.p50, "ms");

    log(`reader vs rendering on ${setup.compareRepo}…`);
    const cmp = await compareReaderWithKustomize(byName(org.repos, setup.compareRepo).dir, MAX_RENDERED_OVERLAYS, log);
    log(`  kubectl kustomize: ${ms(cmp.kubectlSampleMs)} for ${cmp.rendered} overlays${cmp.extrapolated ? `, extrapolated to ${cmp.overlays} overlays: ${ms(cmp.kubectlAllMs)}` : ""}; reader ${ms(cmp.readerMs)}; ratio ${cmp.ratio.toFixed(1)}×`);
    if (setup.compareNote) report.note(setup.compareNote);
    if (cmp.extrapolated) report.note(`kubectl kustomize ran on ${cmp.rendered} of ${cmp.overlays} overlays (evenly spread); its total is extrapolated`);
    report.add("reader_repo_ms", `reader, whole ${setup.compareRepo} repo (cold)`, cmp.readerMs, "ms");
    report.add("kustomize_all_overlays_ms", `kubectl kustomize, all ${cmp.overlays} overlays${cmp.extrapolated ? " (extrap.)" : ""}`, cmp.kubectlAllMs, "ms");
    report.add("reader_speedup_x", "reader speed-up over rendering", cmp.ratio, "x", { min: 10 });
    report.add("image_mismatches", `image mismatches (${cmp.rendered} overlays)`, cmp.mismatches.length, "count", { max: 1 });
    for (const m of cmp.mismatches.slice(0, 10)) report.note(`mismatch ${m}`);

    const loadEnd = loadAverage();
    log(`load average at end: ${loadEnd}`);
    console.log(`\n${report.table()}\n`);
    for (const n of report.notes) console.log(`note: ${n}`);
    console.log(report.json({ at: new Date().toISOString(), org: orgKey, loadStart, loadEnd, repositories: org.repos.length, files: totalFiles, cores: 2 }));
  } finally {
    await disconnectPrisma().catch(() => {});
    await db.handle.stop().catch((error: unknown) => log(`could not stop PostgreSQL: ${String(error)}`));
    log(`PostgreSQL stopped; ${shownDir} kept for the next run`);
  }
}

// Ctrl+C: take the web server's process group and PostgreSQL down before exiting.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killServers();
    const timeout = new Promise((r) => setTimeout(r, 15_000));
    void Promise.race([stopDatabase?.().catch(() => {}), timeout]).then(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    killServers();
    process.exit(1);
  },
);
