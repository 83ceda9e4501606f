// The matrix page on the production server, signed in as the demo admin through a real Session row.
import { seedDemoUsers } from "@/lib/auth/demo-users";
import { createSessionRecord } from "@/lib/auth/session-store";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import type { PrismaClient } from "@/lib/db/generated/client";
import { findFreePort } from "@/lib/db/free-port";
import { closeHttpAgent, timeGet, type RequestTiming } from "./http-timing";
import { log, ms, summarize, type Summary } from "./measure";
import { ensureBuild, startNextServer } from "./server";

export interface PageTimings {
  ttfb: Summary;
  total: Summary;
}

export interface PagePhaseResult {
  builtFirst: boolean;
  buildTime: Date;
  coldMs: number;
  home: PageTimings;
  firstPageBytes: number;
  drift: PageTimings;
  search: PageTimings;
  searchTerm: string;
}

export interface PagePhaseOptions {
  root: string;
  connectionString: string;
  dataDir: string;
  logFile: string;
  requests: number;
  searchTerm: string;
}

/** Headings only the signed-in matrix page renders; a sign-in page or error page must not count. */
const MATRIX_MARKER = "Where everything runs";

async function series(url: string, cookie: string, n: number): Promise<{ timings: PageTimings; first: RequestTiming }> {
  const ttfb: number[] = [];
  const total: number[] = [];
  let first: RequestTiming | undefined;
  for (let i = 0; i < n; i++) {
    const r = await timeGet(url, cookie);
    if (r.status !== 200 || !r.body.includes(MATRIX_MARKER)) {
      throw new Error(`GET ${url} answered ${r.status}${r.location ? ` → ${r.location}` : ""} without the matrix (is the session valid?)`);
    }
    first ??= r;
    ttfb.push(r.ttfbMs);
    total.push(r.totalMs);
  }
  return { timings: { ttfb: summarize(ttfb), total: summarize(total) }, first: first! };
}

export async function measureMatrixPage(prisma: PrismaClient, opts: PagePhaseOptions): Promise<PagePhaseResult> {
  const { built, buildTime } = await ensureBuild(opts.root, log);
  await seedDemoUsers(prisma);
  const { token } = await createSessionRecord(prisma, "alex");
  const cookie = `${SESSION_COOKIE}=${token}`;

  const server = await startNextServer({
    root: opts.root,
    port: await findFreePort(),
    env: { DATABASE_URL: opts.connectionString, FERRY_SYNC_WORKER: "off", FERRY_DATA_DIR: opts.dataDir },
    logFile: opts.logFile,
    log,
  });
  try {
    // The first request loads the route's modules and opens the pool: reported, not counted.
    const cold = await timeGet(`${server.url}/`, cookie);
    log(`  cold GET /: ${cold.status}, TTFB ${ms(cold.ttfbMs)}, total ${ms(cold.totalMs)}, ${(cold.bytes / 1024).toFixed(1)} KB`);
    const home = await series(`${server.url}/`, cookie, opts.requests);
    log(`  GET / ×${opts.requests}: TTFB p50 ${ms(home.timings.ttfb.p50)} p95 ${ms(home.timings.ttfb.p95)}; total p50 ${ms(home.timings.total.p50)} p95 ${ms(home.timings.total.p95)}`);
    const drift = await series(`${server.url}/?drift=1`, cookie, 10);
    log(`  GET /?drift=1 ×10: TTFB p50 ${ms(drift.timings.ttfb.p50)}; total p50 ${ms(drift.timings.total.p50)}`);
    const search = await series(`${server.url}/?q=${encodeURIComponent(opts.searchTerm)}`, cookie, 10);
    log(`  GET /?q=${opts.searchTerm} ×10: TTFB p50 ${ms(search.timings.ttfb.p50)}; total p50 ${ms(search.timings.total.p50)}`);
    return {
      builtFirst: built,
      buildTime,
      coldMs: cold.totalMs,
      home: home.timings,
      firstPageBytes: home.first.bytes,
      drift: drift.timings,
      search: search.timings,
      searchTerm: opts.searchTerm,
    };
  } finally {
    closeHttpAgent();
    await server.stop();
    log("  next start stopped");
  }
}
