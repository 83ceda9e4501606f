// The matrix page on the production server, signed in as the demo admin through a real Session row.
import { seedDemoUsers } from "@/lib/auth/demo-users";
import { createSessionRecord } from "@/lib/auth/session-store";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import type { PrismaClient } from "@/lib/db/generated/client";
import { findFreePort } from "@/lib/db/free-port";
import { getMatrix } from "@/lib/data/matrix";
import { parseMatrixQuery } from "@/lib/data/matrix-query";
import { writeFile } from "node:fs/promises";
import { closeHttpAgent, timeGet, type RequestTiming } from "./http-timing";
import { log, ms, summarize, type Summary } from "./measure";
import { ensureBuild, startNextServer } from "./server";

export interface PageTimings {
  ttfb: Summary;
  total: Summary;
}

export interface PagePhaseResult {
  /** getMatrix in this process (queries + mapping, no rendering), p50 per query string. */
  queryP50: { home: number; drift: number; search: number };
  /** Bytes of inline <script> in page 1 (the RSC payload Next repeats next to the HTML). */
  scriptBytes: number;
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
  /** Where page 1's HTML is saved for a look at what makes it big. */
  htmlFile: string;
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

async function getMatrixP50(prisma: PrismaClient, params: Record<string, string>): Promise<number> {
  const query = parseMatrixQuery(params);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    await getMatrix(prisma, query);
    times.push(performance.now() - started);
  }
  return summarize(times).p50;
}

/** Total length of inline scripts: Next streams the RSC payload as `self.__next_f.push(...)` scripts. */
function inlineScriptBytes(html: string): number {
  let total = 0;
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) total += Buffer.byteLength(m[1] ?? "");
  return total;
}

export async function measureMatrixPage(prisma: PrismaClient, opts: PagePhaseOptions): Promise<PagePhaseResult> {
  const queryP50 = {
    home: await getMatrixP50(prisma, {}),
    drift: await getMatrixP50(prisma, { drift: "1" }),
    search: await getMatrixP50(prisma, { q: opts.searchTerm }),
  };
  log(`  getMatrix in process (no rendering) p50: / ${ms(queryP50.home)}, ?drift=1 ${ms(queryP50.drift)}, ?q=${opts.searchTerm} ${ms(queryP50.search)}`);
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
    await writeFile(opts.htmlFile, home.first.body);
    const scriptBytes = inlineScriptBytes(home.first.body);
    log(`  page 1: ${(home.first.bytes / 1024).toFixed(1)} KB, of which ${(scriptBytes / 1024).toFixed(1)} KB inline scripts (RSC payload); saved to ${opts.htmlFile}`);
    log(`  GET / ×${opts.requests}: TTFB p50 ${ms(home.timings.ttfb.p50)} p95 ${ms(home.timings.ttfb.p95)}; total p50 ${ms(home.timings.total.p50)} p95 ${ms(home.timings.total.p95)}`);
    const drift = await series(`${server.url}/?drift=1`, cookie, 10);
    log(`  GET /?drift=1 ×10: TTFB p50 ${ms(drift.timings.ttfb.p50)}; total p50 ${ms(drift.timings.total.p50)}`);
    const search = await series(`${server.url}/?q=${encodeURIComponent(opts.searchTerm)}`, cookie, 10);
    log(`  GET /?q=${opts.searchTerm} ×10: TTFB p50 ${ms(search.timings.ttfb.p50)}; total p50 ${ms(search.timings.total.p50)}`);
    return {
      queryP50,
      scriptBytes,
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
