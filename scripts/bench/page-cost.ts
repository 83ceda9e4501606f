// `npm run bench:page-cost [-- --requests 60 --pages matrix,app]`: what one request of each kind costs
// the server, one request at a time on the 2,000-app benchmark org (generate-org.ts): CPU of the
// server process (and the git processes it waited for), SQL transactions (pg_stat_database; every
// statement Prisma sends outside a transaction is one), wall time and bytes. Where bench:load says how
// the portal holds up under many people, this says which page to make cheaper and whether a change did.
// Needs a production build; run it alone (`flock /tmp/e2e.lock npm run bench:page-cost`). Prints
// numbers, asserts nothing.
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { createSessionRecord } from "@/lib/auth/session-store";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { syncAllRepositories } from "@/lib/sync/sync-now";
import { startBenchDatabase } from "./database";
import { generateOrg } from "./generate-org";
import { log, processCpuMs } from "./measure";
import { navigationPath } from "./load-users";
import { ensureBuild, startNextServer } from "./server";

const root = path.resolve(import.meta.dirname, "..", "..");
const workDir = path.join(os.tmpdir(), "ferry-page-cost");

/** Each kind: the path of its i-th request. Kept pages and first reads are separate kinds on purpose. */
type Paths = (i: number, apps: readonly { path: string }[]) => string;
const PAGES: Record<string, { about: string; path: Paths; warm?: Paths; rsc?: boolean }> = {
  matrix: { about: "matrix page 1, kept for this cache version", path: () => "/" },
  "matrix-rsc": { about: "matrix page 1 as a client-side navigation fetches it (RSC payload, no HTML)", path: () => "/", rsc: true },
  "matrix-first": {
    about: "a matrix page computed for the first time at this cache version",
    path: (i) => `/?page=${(i % 60) + 2}`,
    warm: (i) => `/?page=${62 + (i % 5)}`,
  },
  app: { about: "an app page read for the first time (its history from git)", path: (i, apps) => apps[i % apps.length]!.path },
  "app-kept": { about: "the same app page again (its history kept)", path: (_, apps) => apps[0]!.path },
  poll: { about: "the open matrix page 1's stamp poll", path: () => "/api/v1/matrix/stamp" },
  "cache-version": { about: "the cache version alone (what the poll reads first)", path: () => "/api/v1/cache-version" },
  signin: { about: "the sign-in page: Next.js and the layout alone", path: () => "/signin" },
};

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "60" },
    pages: { type: "string", default: Object.keys(PAGES).join(",") },
    port: { type: "string", default: "3390" },
    // Keeps the last body of each kind (<dir>/<kind>.html), to see what a page's bytes are made of.
    save: { type: "string" },
  },
});
const requests = Number(args.requests);
if (!Number.isInteger(requests) || requests < 1 || requests > 1_000) throw new Error(`--requests must be 1..1000, not ${args.requests}`);
const kinds = args.pages.split(",");
for (const k of kinds) if (!PAGES[k]) throw new Error(`unknown page kind ${k}; known: ${Object.keys(PAGES).join(", ")}`);

async function transactions(prisma: PrismaClient): Promise<number> {
  // The statistics collector reports a backend's counts when it goes idle, at most once a second.
  await new Promise((r) => setTimeout(r, 1_500));
  const [row] = await prisma.$queryRaw<{ n: bigint }[]>`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`;
  return Number(row?.n ?? 0);
}

async function main(): Promise<void> {
  const org = await generateOrg({ root: path.join(workDir, "org"), fresh: false, log });
  const db = await startBenchDatabase(workDir, (line) => log(`  ${line}`));
  process.env.DATABASE_URL = db.connectionString;
  process.env.FERRY_DATA_DIR = workDir;
  const prisma = getPrisma();
  try {
    for (const r of org.repos) await prisma.repository.create({ data: { name: r.name, provider: "git", url: r.dir, defaultBranch: "main", team: r.team } });
    await syncAllRepositories(prisma);
    await seedDemoUsers(prisma);
    const cookie = `${SESSION_COOKIE}=${(await createSessionRecord(prisma, "alex")).token}`;
    const apps = (await prisma.app.findMany({ select: { name: true, repository: { select: { name: true } } }, orderBy: { id: "asc" }, take: 1_000 })).map((a) => ({
      path: `/apps/${encodeURIComponent(a.repository.name)}/${encodeURIComponent(a.name)}`,
    }));
    await ensureBuild(root, log);
    const server = await startNextServer({
      root,
      port: Number(args.port),
      env: { DATABASE_URL: db.connectionString, FERRY_SYNC_WORKER: "off", FERRY_DATA_DIR: workDir, NEXT_TELEMETRY_DISABLED: "1" },
      logFile: path.join(workDir, "server.log"),
      log,
    });
    try {
      let lastBody = "";
      const get = async (p: string, rsc = false) => {
        // A client-side navigation (Link, router.push) asks for the RSC payload alone.
        const res = await fetch(server.url + (rsc ? navigationPath(p) : p), { redirect: "manual", headers: { cookie, accept: rsc ? "*/*" : "text/html", "accept-encoding": "identity", ...(rsc ? { rsc: "1" } : {}) } });
        lastBody = await res.text();
        if (res.status !== 200) throw new Error(`GET ${p}: ${res.status}`);
        return Buffer.byteLength(lastBody);
      };
      console.log(`\n| page | CPU ms/request | SQL transactions/request | wall ms/request | KiB | what |\n|---|---|---|---|---|---|`);
      for (const kind of kinds) {
        const { about, path: pathOf, warm = pathOf, rsc = false } = PAGES[kind]!;
        // Warm-up: the route's modules are loaded on its first request. Paths other than the measured ones.
        for (let i = 0; i < 5; i++) await get(warm(i, apps.slice(-5)), rsc);
        const tx0 = await transactions(prisma);
        const cpu0 = processCpuMs(server.pid);
        const started = performance.now();
        let bytes = 0;
        for (let i = 0; i < requests; i++) bytes += await get(pathOf(i, apps), rsc);
        const wall = performance.now() - started;
        const cpu1 = processCpuMs(server.pid);
        // The transactions query itself is one.
        const tx = (await transactions(prisma)) - tx0 - 1;
        const cpu = cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) / requests).toFixed(1) : "n/a";
        if (args.save) await writeFile(path.join(args.save, `${kind}.html`), lastBody);
        console.log(`| ${kind} | ${cpu} | ${(tx / requests).toFixed(1)} | ${(wall / requests).toFixed(1)} | ${Math.round(bytes / requests / 1024)} | ${about} |`);
      }
      console.log(`\nload average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} cores): CPU per request grows on a busy machine; compare runs made side by side`);
    } finally {
      await server.stop();
    }
  } finally {
    await disconnectPrisma().catch(() => {});
    await db.handle.stop().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
