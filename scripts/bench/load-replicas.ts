// `npm run bench:load [-- --duration 60 --users 100 --promotions-per-minute 10 --replicas 1,2 --cpu-prof DIR]`: the
// portal under load, on one replica and then on two against the same PostgreSQL (issue #13). Loopback
// only and bounded: the org (20 repositories / 2,000 apps, generate-org.ts), an embedded PostgreSQL
// and the servers' data live in <tmpdir>/ferry-load-bench; servers listen on --port (3300) and up.
// Needs a production build (`next build`); run it alone (`flock /tmp/e2e.lock npm run bench:load`):
// it starts portals and measures time on a shared machine. Prints numbers, asserts nothing.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { createSessionRecord } from "@/lib/auth/session-store";
import { previewPromotion } from "@/lib/changes/preview-promotion";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { syncAllRepositories } from "@/lib/sync/sync-now";
import { startBenchDatabase } from "./database";
import { generateOrg, type BenchRepo } from "./generate-org";
import { runStats, sideBySide, type RunStats, type Sample } from "./load-report";
import { browse, promote, type BrowsePlan, type PromotionRequest, type Replica } from "./load-users";
import { loadAverage, log, ms, processCpuMs } from "./measure";
import { ensureBuild, liveServerGroups, startNextServer, type ServerHandle } from "./server";

const root = path.resolve(import.meta.dirname, "..", "..");
const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    users: { type: "string", default: "100" },
    "promotions-per-minute": { type: "string", default: "10" },
    replicas: { type: "string", default: "1,2" },
    "think-ms": { type: "string", default: "1000-5000" },
    port: { type: "string", default: "3300" },
    fresh: { type: "boolean" },
    // "client" (default): pages after a person's first are client-side navigations, as in a browser;
    // "document": every page is a full document load (the page as a first visit costs it).
    navigation: { type: "string", default: "client" },
    // A folder: each server writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
    "cpu-prof": { type: "string" },
  },
});

function positive(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`--${name} must be a number in (0, ${max}], not ${value}`);
  return n;
}

// Bounded: a mistyped flag must not start a day-long run or a thousand servers.
const durationS = positive("duration", args.duration, 1_800);
const users = Math.round(positive("users", args.users, 1_000));
const perMinute = positive("promotions-per-minute", args["promotions-per-minute"], 120);
const replicaCounts = args.replicas.split(",").map((r) => Math.round(positive("replicas", r, 4)));
const [thinkMin, thinkMax] = args["think-ms"].split("-").map((v) => positive("think-ms", v, 60_000)) as [number, number];
if (!(thinkMax >= thinkMin)) throw new Error("--think-ms is min-max, e.g. 1000-5000");
if (args.navigation !== "client" && args.navigation !== "document") throw new Error(`--navigation is client or document, not ${args.navigation}`);
const navigation: "client" | "document" = args.navigation;
const basePort = Math.round(positive("port", args.port, 65_000));
const workDir = path.join(os.tmpdir(), "ferry-load-bench");

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

function serversCpuMs(servers: readonly ServerHandle[]): number | null {
  const each = servers.map((s) => processCpuMs(s.pid));
  return each.every((v) => v !== null) ? each.reduce<number>((a, b) => a + (b ?? 0), 0) : null;
}

/** A seeded generator, so two runs browse the same pages in the same order. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function browsePlan(prisma: PrismaClient): Promise<BrowsePlan> {
  const teams = (await prisma.team.findMany({ select: { name: true }, orderBy: { name: "asc" }, take: 6 })).map((t) => t.name);
  const apps = await prisma.app.findMany({ select: { name: true, repository: { select: { name: true } } }, orderBy: { id: "asc" } });
  const random = seeded(7);
  const sample = Array.from({ length: 200 }, () => apps[Math.floor(random() * apps.length)]!);
  return {
    filterPaths: [
      ...teams.map((t) => `/?team=${encodeURIComponent(t)}`),
      "/?env=staging,production",
      "/?env=dev,qa",
      "/?q=checkout",
      "/?q=billing",
      "/?drift=1",
      "/?page=2",
      "/?page=3",
      ...(teams[0] ? [`/?team=${encodeURIComponent(teams[0])}&drift=1`] : []),
    ],
    apps: sample.map((a) => ({ path: `/apps/${encodeURIComponent(a.repository.name)}/${encodeURIComponent(a.name)}`, name: a.name })),
    thinkMs: [thinkMin, thinkMax],
    pollEveryMs: 3_000,
    appShare: 0.35,
    navigation,
  };
}

/** Apps whose staging → production promotion changes something now, spread over the repositories. */
async function promotionCandidates(prisma: PrismaClient, repos: readonly BenchRepo[], wanted: number): Promise<PromotionRequest[]> {
  const found: PromotionRequest[] = [];
  const apps = await prisma.app.findMany({ select: { name: true, repository: { select: { name: true } } }, orderBy: { id: "asc" } });
  const byRepo = new Map<string, string[]>();
  for (const a of apps) byRepo.set(a.repository.name, [...(byRepo.get(a.repository.name) ?? []), a.name]);
  for (let i = 0; found.length < wanted && i < 100; i++) {
    for (const repo of repos) {
      const app = byRepo.get(repo.name)?.[i];
      if (!app || found.length >= wanted) continue;
      const request = { repository: repo.name, app, from: "staging", to: "production" };
      const preview = await previewPromotion(prisma, { ...request, mode: "version", allowDowngrade: false, allowFloating: false, allowReplaceDigestPin: false, allowUnpin: false }, { sync: false });
      if (preview.plan.status === "changes") found.push(request);
    }
  }
  return found;
}

async function run(replicaCount: number, ctx: { cookies: string[]; plan: BrowsePlan; candidates: PromotionRequest[]; dbUrl: string }): Promise<RunStats> {
  const label = `${replicaCount} replica${replicaCount === 1 ? "" : "s"}`;
  log(`— ${label}: starting ${replicaCount} × next start (FERRY_SYNC_WORKER=off) on one PostgreSQL…`);
  const servers: ServerHandle[] = [];
  try {
    for (let i = 0; i < replicaCount; i++) {
      servers.push(
        await startNextServer({
          root,
          port: basePort + i,
          env: {
            DATABASE_URL: ctx.dbUrl,
            FERRY_SYNC_WORKER: "off",
            FERRY_DATA_DIR: workDir,
            NEXT_TELEMETRY_DISABLED: "1",
          },
          ...(args["cpu-prof"] ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args["cpu-prof"])}`] } : {}),
          logFile: path.join(workDir, `server-${replicaCount}-${i}.log`),
          log: (line) => log(`  ${line}`),
        }),
      );
    }
    const replicas: Replica[] = servers.map((s) => ({ url: s.url }));
    // Each replica's first requests load the routes' modules and open its pool: not counted.
    for (const r of replicas) {
      for (const p of ["/", ctx.plan.filterPaths[0]!, ctx.plan.apps[0]!.path, "/api/v1/matrix/stamp"]) {
        await fetch(r.url + p, { headers: { cookie: ctx.cookies[0]! } }).then((res) => res.arrayBuffer());
      }
    }
    log(`  warmed up; ${users} people for ${durationS} s, ${perMinute} promotions a minute; load average ${loadAverage()}`);

    const cpuBefore = serversCpuMs(servers);
    const samples: Sample[] = [];
    const record = (s: Sample) => samples.push(s);
    const until = performance.now() + durationS * 1_000;
    const random = seeded(42);
    await Promise.all([
      ...Array.from({ length: users }, (_, i) => browse(replicas[i % replicas.length]!, ctx.cookies[i % ctx.cookies.length]!, ctx.plan, until, record, seeded(Math.floor(random() * 2 ** 31)))),
      promote(replicas, ctx.cookies[0]!, ctx.candidates, 60_000 / perMinute, until, record),
    ]);
    const cpuAfter = serversCpuMs(servers);
    const stats = runStats(label, durationS, samples, cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : undefined);
    const cpu = stats.serverCpuMs === undefined ? "" : `; server CPU ${ms(stats.serverCpuMs / samples.length)} per request`;
    log(`  done: ${samples.length} requests; matrix p50 ${ms(stats.byKind.matrix.p50)} p95 ${ms(stats.byKind.matrix.p95)} max ${ms(stats.byKind.matrix.max)}${cpu}; load average ${loadAverage()}`);
    return stats;
  } finally {
    for (const s of servers) await s.stop();
  }
}

async function main(): Promise<void> {
  log(`load: ${users} people, ${durationS} s per run, ${perMinute} promotions/min, pause ${thinkMin}–${thinkMax} ms, ${navigation === "client" ? "first page a document load, later pages client-side navigations" : "every page a document load"}, runs with ${replicaCounts.join(" and ")} replica(s); data in ${workDir}`);
  log(`load average at start: ${loadAverage()}`);
  const org = await generateOrg({ root: path.join(workDir, "org"), fresh: args.fresh === true, log });
  log(`org: ${org.repos.length} repositories, ${org.generated ? "generated" : "reused"}`);
  // Branches a previous run's promotions opened would make the same promotions "identical".
  for (const repo of org.repos) {
    const stale = execFileSync("git", ["-C", repo.dir, "for-each-ref", "--format=%(refname:short)", "refs/heads/ferry/"], { encoding: "utf8" }).split("\n").filter(Boolean);
    if (stale.length > 0) execFileSync("git", ["-C", repo.dir, "branch", "-q", "-D", ...stale]);
  }

  const db = await startBenchDatabase(workDir, (line) => log(`  ${line}`));
  stopDatabase = () => db.handle.stop();
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = workDir;
  const prisma = getPrisma();
  try {
    for (const r of org.repos) await prisma.repository.create({ data: { name: r.name, provider: "git", url: r.dir, defaultBranch: "main", team: r.team } });
    const started = performance.now();
    const synced = await syncAllRepositories(prisma);
    const failed = synced.filter((r) => r.status !== "synced");
    if (failed.length) throw new Error(`repositories did not sync: ${failed.map((r) => `${r.repository} (${r.error ?? r.status})`).join(", ")}`);
    log(`indexed: ${await prisma.app.count()} apps, ${await prisma.deployment.count()} deployments in ${ms(performance.now() - started)}`);

    await seedDemoUsers(prisma);
    // One session per person (an admin: every page and the promotions are allowed).
    const cookies: string[] = [];
    for (let i = 0; i < users; i++) cookies.push(`${SESSION_COOKIE}=${(await createSessionRecord(prisma, "alex")).token}`);
    const plan = await browsePlan(prisma);
    const wanted = Math.ceil((durationS / 60) * perMinute) * replicaCounts.length + 2;
    const candidates = await promotionCandidates(prisma, org.repos, wanted);
    log(`${candidates.length} apps to promote staging → production (${wanted} wanted); ${plan.filterPaths.length} filtered matrix pages, ${plan.apps.length} app pages`);

    const { built } = await ensureBuild(root, log);
    if (built) log("there was no production build: next build ran first");

    const results: RunStats[] = [];
    for (const count of replicaCounts) results.push(await run(count, { cookies, plan, candidates, dbUrl: db.connectionString }));

    console.log(`\n${sideBySide(results)}\n`);
    for (const r of results) for (const [error, count] of r.errorKinds.slice(0, 8)) console.log(`${r.label}: ${count} × ${error}`);
    console.log(`load average at end: ${loadAverage()} (${os.cpus().length} cores, shared: the load generator, PostgreSQL and every replica run on this machine)`);
    console.log(JSON.stringify({ at: new Date().toISOString(), users, durationS, perMinute, thinkMs: [thinkMin, thinkMax], navigation, runs: results }));
  } finally {
    await disconnectPrisma().catch(() => {});
    await db.handle.stop().catch((error: unknown) => log(`could not stop PostgreSQL: ${String(error)}`));
  }
}

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
