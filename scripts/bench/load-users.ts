// The simulated people of the load script: each browses the matrix (page 1, filters, another page,
// a search) and app pages with a pause between pages; while a matrix page is open they poll its stamp
// every 3 s and re-fetch the page when it moved (as StampRefresh's router.refresh() does in the
// browser); next to them, a promoter opens promotions through POST /api/v1/promotions at a fixed rate.
// Every request becomes one Sample.
import http from "node:http";
import type { RequestKind, Sample } from "./load-report";

export interface Replica {
  url: string;
}

export interface BrowsePlan {
  /** Filtered matrix paths (`/?team=…`, `/?env=…`, `/?q=…`, `/?page=2`…), picked at random half the time. */
  filterPaths: string[];
  /** `/apps/<repository>/<app>` with the app's name, which its page shows in its heading. */
  apps: { path: string; name: string }[];
  /** Pause between two pages, uniform in [min, max] ms. */
  thinkMs: [number, number];
  pollEveryMs: number;
  /** Share of pages that are app pages; the rest are matrix pages. */
  appShare: number;
  /**
   * "client": a person's first page is a document load and every later page a client-side navigation
   * (the RSC payload alone, as Link and router.push fetch it); "document": every page a full load.
   */
  navigation: "client" | "document";
}

const MATRIX_MARKER = "Where everything runs";
const TIMEOUT_MS = 30_000;

interface Answer {
  status: number;
  body: string;
}

function request(agent: http.Agent, url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", agent, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`timed out after ${TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Times one request; `check` says what is wrong with an answer, or null when it counts as a success. The answer when it does. */
async function timed(kind: RequestKind, run: () => Promise<Answer>, check: (answer: Answer) => string | null, record: (s: Sample) => void): Promise<Answer | null> {
  const started = performance.now();
  try {
    const answer = await run();
    const problem = check(answer);
    record({ kind, ms: performance.now() - started, status: answer.status, ...(problem ? { error: problem } : {}) });
    return problem ? null : answer;
  } catch (error) {
    record({ kind, ms: performance.now() - started, status: 0, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/** What an open page polls and the stamp it was rendered at: the props of its StampRefresh. */
export interface PageStamp {
  url: string;
  field: string;
  initial: string;
}

/**
 * The StampRefresh props of a page that does not poll live state (the bench's org has no live source),
 * read from its RSC payload: as a navigation's body, or inside a document's `self.__next_f.push` scripts.
 */
export function pageStamp(body: string): PageStamp | null {
  const flight = body.includes("self.__next_f")
    ? [...body.matchAll(/self\.__next_f\.push\(\[1,("(?:[^"\\]|\\.)*")\]\)/g)].map((m) => JSON.parse(m[1]!) as string).join("")
    : body;
  for (const m of flight.matchAll(/"url":("(?:[^"\\]|\\.)*"),"field":"(\w+)","initial":"([^"]+)"/g)) {
    const url = JSON.parse(m[1]!) as string;
    if (url !== "/api/v1/live") return { url, field: m[2]!, initial: m[3]! };
  }
  return null;
}

const pageCheck = (marker: string) => (a: Answer) => (a.status !== 200 ? `status ${a.status}` : a.body.includes(marker) ? null : "answered 200 without the page's content");
// A matrix page that does not say what to poll could never be refreshed: the bench would undercount.
const matrixCheck = (a: Answer) => pageCheck(MATRIX_MARKER)(a) ?? (pageStamp(a.body) ? null : "a matrix page without its StampRefresh");

/**
 * A client-side navigation's URL: Next.js answers an RSC request whose `_rsc` parameter does not match
 * its router headers with a redirect (against cache poisoning); with none of those headers it is empty.
 */
export const navigationPath = (path: string) => `${path}${path.includes("?") ? "&" : "?"}_rsc=`;

/** An app page shows the app's name as its heading: in HTML, or as the h1 element of an RSC payload. */
const appHeading = (name: string, rsc: boolean) => (rsc ? `"children":${JSON.stringify(name)}}]` : `>${name}</h1>`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One person until `until` (performance.now() time): page, pause (polling if on the matrix), page… */
export async function browse(replica: Replica, cookie: string, plan: BrowsePlan, until: number, record: (s: Sample) => void, random: () => number): Promise<void> {
  // One connection per person, kept alive, as a browser behind a load balancer keeps its own.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const documentHeaders = { cookie, accept: "text/html" };
  // No Next-Router-State-Tree: the server renders the whole tree, layout included, which costs at least
  // what a browser's navigation (that names the layouts it holds) does.
  const navigationHeaders = { cookie, accept: "*/*", rsc: "1" };
  let first = true;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  // People arrive over the first pause, not all in the same millisecond.
  await sleep(random() * plan.thinkMs[1]);
  try {
    while (performance.now() < until) {
      // The open matrix page: its path and the stamp it polls (null on an app page).
      let matrix: { path: string; stamp: PageStamp } | null = null;
      const rsc = plan.navigation === "client" && !first;
      const headers = rsc ? navigationHeaders : documentHeaders;
      first = false;
      if (random() < plan.appShare) {
        const app = pick(plan.apps);
        await timed("app", () => request(agent, replica.url + (rsc ? navigationPath(app.path) : app.path), { headers }), pageCheck(appHeading(app.name, rsc)), record);
      } else {
        const path = random() < 0.5 ? "/" : pick(plan.filterPaths);
        const answer = await timed("matrix", () => request(agent, replica.url + (rsc ? navigationPath(path) : path), { headers }), matrixCheck, record);
        const stamp = answer && pageStamp(answer.body);
        if (stamp) matrix = { path, stamp };
      }
      const pauseEnd = Math.min(until, performance.now() + plan.thinkMs[0] + random() * (plan.thinkMs[1] - plan.thinkMs[0]));
      while (performance.now() < pauseEnd) {
        const wait = Math.min(plan.pollEveryMs, pauseEnd - performance.now());
        await sleep(wait);
        if (!matrix || wait < plan.pollEveryMs || performance.now() >= until) continue;
        const open = matrix;
        const polled = await timed("poll", () => request(agent, replica.url + open.stamp.url, { headers: { cookie, accept: "application/json" } }), (a) => (a.status === 200 ? null : `status ${a.status}`), record);
        const now = polled && (JSON.parse(polled.body) as { data?: Record<string, unknown> }).data?.[open.stamp.field];
        if (!polled || now === open.stamp.initial) continue;
        // router.refresh(): the page again as an RSC payload, at the URL it is open at.
        const answer = await timed("refresh", () => request(agent, replica.url + navigationPath(open.path), { headers: navigationHeaders }), matrixCheck, record);
        const stamp = answer && pageStamp(answer.body);
        matrix = stamp ? { path: open.path, stamp } : null;
      }
    }
  } finally {
    agent.destroy();
  }
}

export interface PromotionRequest {
  repository: string;
  app: string;
  from: string;
  to: string;
}

/**
 * Opens one promotion every `everyMs` until `until`, alternating replicas, from `candidates` (apps whose
 * promotion changes something; each used once). Anything but 201 "opened" is an error.
 */
export async function promote(replicas: readonly Replica[], cookie: string, candidates: PromotionRequest[], everyMs: number, until: number, record: (s: Sample) => void): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const pending: Promise<unknown>[] = [];
  try {
    // At 0, everyMs, 2·everyMs… before `until`: 10 a minute for 60 s is 10 promotions.
    const start = performance.now();
    // Tick i is at start + i·everyMs; one past the run's end is not waited for (at a low rate it may lie hours away).
    for (let i = 0; start + i * everyMs < until; i++) {
      await sleep(start + i * everyMs - performance.now());
      const candidate = candidates.shift();
      if (!candidate) {
        record({ kind: "promotion", ms: 0, status: 0, error: "ran out of apps to promote" });
        continue;
      }
      const replica = replicas[i % replicas.length]!;
      // Not awaited before the next tick: a slow promotion must not lower the rate.
      pending.push(
        timed(
          "promotion",
          () =>
            request(agent, `${replica.url}/api/v1/promotions`, {
              method: "POST",
              headers: { cookie, origin: replica.url, "content-type": "application/json", accept: "application/json" },
              body: JSON.stringify(candidate),
            }),
          (a) => (a.status === 201 ? null : `status ${a.status}: ${a.body.slice(0, 160)}`),
          record,
        ),
      );
    }
    await Promise.all(pending);
  } finally {
    agent.destroy();
  }
}
