import { expect, test, type Page } from "@playwright/test";
import { githubPullRequestClosed, githubPush, type WebhookDelivery } from "../../lib/changes/testing/forge-webhooks";
import { SYNC_LOCK_NAMESPACE } from "../../lib/sync/sync-repository";
import { confirmReview } from "../review";
import { DEMO } from "../sign-in";
import { Cluster, JOB_TIMEOUT_SECONDS, OWNER, REPO, REPOSITORY, replicaPorts, SYNC_INTERVAL_SECONDS, WEBHOOK_SECRET } from "./cluster";

// Two web replicas and two workers on one PostgreSQL (cluster.ts), every count read from that
// database and from the GitHub test server's git repository. The tests run in order on one cluster:
// the periodic sync is checked last, over everything the earlier tests left in the job table.

const SYNC_ALL = "ferry-sync-all";
const SYNC_ONE = "ferry-sync-repository";
const REFRESH_CHANGE = "ferry-refresh-change";
const PRODUCTION_FILE = "apps/checkout/production/deployment.yaml";

let cluster: Cluster;
let startedAt: Date;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = await Cluster.start();
  startedAt = await dbNow();
  const ports = replicaPorts();
  await Promise.all([
    cluster.startReplica("web-a", ports.web[0]!, false),
    cluster.startReplica("web-b", ports.web[1]!, false),
    cluster.startReplica("worker-1", ports.workers[0]!, true),
    cluster.startReplica("worker-2", ports.workers[1]!, true),
  ]);
});

test.afterAll(async () => {
  await cluster?.stop();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  for (const replica of cluster.replicas.values()) await testInfo.attach(`${replica.name}.log`, { body: replica.output.join("\n"), contentType: "text/plain" });
  // What the queue held when the test gave up: which job waited behind which.
  const jobs = await cluster.query(
    `SELECT id, name, state::text, retry_count, retry_limit, singleton_key, policy, created_on, started_on, start_after, completed_on, output
       FROM pgboss.job WHERE name NOT LIKE '__pgboss%' ORDER BY created_on`,
  );
  const sessions = await cluster.query("SELECT pid, application_name, state, wait_event_type, wait_event, xact_start, left(query, 200) AS query FROM pg_stat_activity WHERE datname = current_database()");
  await testInfo.attach("jobs.json", { body: JSON.stringify({ jobs, sessions }, null, 2), contentType: "application/json" });
});

async function dbNow(): Promise<Date> {
  const [row] = await cluster.query<{ now: Date }>("SELECT now() AS now");
  return row!.now;
}

async function signIn(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/signin?next=/`);
  await page.getByRole("button", { name: new RegExp(name) }).click();
  await expect(page.getByTestId("current-user")).toContainText(name);
}

function mainHead(): string {
  return cluster.github.git.refs.get("refs/heads/main")!;
}

function productionFile(): string {
  const entry = cluster.github.git.files(cluster.github.git.commitObject(mainHead())!.tree).get(PRODUCTION_FILE);
  const blob = entry && cluster.github.git.get(entry.sha);
  return blob?.type === "blob" ? blob.data.toString("utf8") : "";
}

async function post(baseUrl: string, delivery: WebhookDelivery): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}${delivery.path}`, { method: "POST", headers: delivery.headers, body: delivery.body });
  return { status: response.status, body: await response.json() };
}

const githubRepository = () => ({ owner: OWNER, repo: REPO, repositoryUrl: cluster.github.repositoryUrl, defaultBranch: "main" });

test("a promotion opened through one web replica is merged through the other, and both show it", async ({ page }) => {
  // Four portals, a browser and a database on the CI machine's two cores: a page or a merge (forge calls, then
  // the sync that follows it) can take tens of seconds there.
  test.setTimeout(180_000);
  const a = cluster.replica("web-a");
  const b = cluster.replica("web-b");
  const headBefore = mainHead();
  const commitsBefore = cluster.github.git.history(headBefore).length;
  expect(productionFile()).toContain("checkout:2.3.1");

  await signIn(page, a.url, DEMO.developer);
  const opened = await page.request.post(`${a.url}/api/v1/promotions`, {
    headers: { origin: a.url, "content-type": "application/json" },
    data: { repository: REPOSITORY, app: "checkout", from: "staging", to: "production" },
  });
  expect(opened.status(), await opened.text()).toBe(201);
  const { change } = (await opened.json()) as { change: { id: number; number: number } };
  expect(await cluster.query("SELECT state::text, number FROM \"ChangeRequest\"")).toEqual([{ state: "OPEN", number: change.number }]);
  expect([...cluster.github.pulls.values()].map((p) => [p.number, p.state])).toEqual([[change.number, "open"]]);

  // The session made through A is in the shared database: B knows Dana too, and cookies ignore ports.
  await page.goto(`${b.url}/changes/${change.id}`);
  await expect(page.getByTestId("current-user")).toContainText(DEMO.developer);
  await expect(page.getByTestId("merge-refusal")).toBeVisible();

  await signIn(page, b.url, DEMO.admin);
  await page.goto(`${b.url}/changes/${change.id}`);
  await confirmReview(page, "merge");
  await expect(page.getByTestId("change-state")).toHaveText("merged", { timeout: 60_000 });

  const pull = cluster.github.pulls.get(change.number)!;
  expect(pull.state).toBe("closed");
  expect(pull.mergeCommitSha).toBe(mainHead());
  // One merge commit on the old head and the promotion's one commit: nothing written twice.
  expect(cluster.github.git.commitObject(mainHead())!.parents).toEqual([headBefore, pull.headSha]);
  expect(cluster.github.git.history(mainHead()).length).toBe(commitsBefore + 2);
  expect(productionFile()).toContain("checkout:2.4.0");
  expect(await cluster.query("SELECT state::text FROM \"ChangeRequest\"")).toEqual([{ state: "MERGED" }]);
  // The merge's own sync finds the repository's lock held when a worker's sync is running, and leaves the new
  // head to the next sync: the periodic one at the latest.
  const synced = () => cluster.query('SELECT "headSha" FROM "Repository" WHERE name = $1', [REPOSITORY]);
  await expect.poll(synced, { timeout: (SYNC_INTERVAL_SECONDS + 30) * 1000, intervals: [1_000] }).toEqual([{ headSha: mainHead() }]);

  // A did none of it and shows the same: the cache is the shared database, not a process's memory.
  await page.goto(a.url);
  await expect(page.getByTestId("cell-checkout-production")).toContainText("2.4.0");
  await page.goto(`${a.url}/changes/${change.id}`);
  await expect(page.getByTestId("change-state")).toHaveText("merged");
});

test("a webhook delivered twice, to each web replica at once, runs once", async () => {
  const pull = [...cluster.github.pulls.values()][0]!;
  const delivery = githubPullRequestClosed(
    githubRepository(),
    { number: pull.number, head: pull.head, headSha: pull.headSha, base: pull.base, merged: true, mergedAt: pull.mergedAt, mergeCommitSha: pull.mergeCommitSha },
    { secret: WEBHOOK_SECRET, id: "replicas-delivery-1" },
  );
  const before = await dbNow();
  const answers = await Promise.all([post(cluster.replica("web-a").url, delivery), post(cluster.replica("web-b").url, delivery)]);
  expect(answers.map((a) => a.status).sort()).toEqual([200, 202]);
  expect(answers.map((a) => a.body)).toEqual(expect.arrayContaining([{ duplicate: true }, { accepted: true, jobs: 1 }]));
  // A third time, later, through A again: still the same delivery.
  expect(await post(cluster.replica("web-a").url, delivery)).toEqual({ status: 200, body: { duplicate: true } });

  expect(await cluster.query('SELECT id FROM "WebhookDelivery" WHERE id LIKE $1', ["%replicas-delivery-1"])).toHaveLength(1);
  const jobs = () => cluster.query<{ state: string }>("SELECT state::text FROM pgboss.job WHERE name = $1 AND created_on >= $2 AND (data->>'number')::int = $3", [REFRESH_CHANGE, before, pull.number]);
  await expect.poll(jobs, { timeout: 30_000 }).toEqual([{ state: "completed" }]);
});

// It failed in 2 of 3 CI runs with the job left in `retry`: the "surviving" worker had never started its job
// worker (its pg-boss set-up, side by side with the other's on the fresh database, ended in "deadlock detected"),
// so nobody took the job. Set-up is one process at a time now, a failed start is retried, and the cluster waits
// for both workers' "sync worker started" before any test.
test("a worker killed with SIGKILL mid-sync leaves no lock held, and another worker finishes the job", async () => {
  test.setTimeout(120_000);
  const [repo] = await cluster.query<{ id: number }>('SELECT id FROM "Repository" WHERE name = $1', [REPOSITORY]);
  const newHead = cluster.github.git.commitFiles("main", { "docs/replicas.md": "Written while a worker dies.\n" }, "Docs: replicas");
  // The next git fetch from the forge hangs: whichever sync makes it holds the repository's lock until it dies.
  cluster.github.failNext({ operationId: "smart-http/info-refs", hang: "request" });
  const push = githubPush(githubRepository(), "main", cluster.github.git.commitObject(newHead)!.parents[0]!, newHead, { secret: WEBHOOK_SECRET, id: "replicas-push-1" });
  expect((await post(cluster.replica("web-b").url, push)).status).toBe(202);

  const holders = () =>
    cluster.query<{ application_name: string }>(
      "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2",
      [SYNC_LOCK_NAMESPACE, repo!.id],
    );
  const hung = () => cluster.github.requests.some((r) => r.operationId === "smart-http/info-refs" && r.status === 0);
  const active = () => cluster.query<{ id: string }>("SELECT id FROM pgboss.job WHERE name IN ($1, $2) AND state = 'active'", [SYNC_ALL, SYNC_ONE]);
  // Settled: the fetch hangs, one process holds the lock and one sync job is taken (a sync that found the lock held has ended).
  const settled = async () => JSON.stringify(hung() ? { holders: await holders(), taken: await active() } : { holders: [], taken: [] });
  let seen = "";
  await expect
    .poll(
      async () => {
        const now = await settled();
        const stable = now === seen && (JSON.parse(now) as { holders: unknown[]; taken: unknown[] }).taken.length === 1;
        seen = now;
        return stable;
      },
      { timeout: 30_000, intervals: [1_000] },
    )
    .toBe(true);
  const { holders: [holder], taken } = JSON.parse(seen) as { holders: { application_name: string }[]; taken: { id: string }[] };
  expect(["ferry-worker-1", "ferry-worker-2"]).toContain(holder!.application_name);

  const victim = holder!.application_name.replace(/^ferry-/, "");
  const [takenJob] = await cluster.query<{ name: string }>("SELECT name FROM pgboss.job WHERE id = $1", [taken[0]!.id]);
  test.info().annotations.push({ type: "killed", description: `${victim} holding the lock, job ${taken[0]!.id} of ${takenJob?.name}` });
  await cluster.kill(victim);
  // PostgreSQL ends the dead process's session, and with it the transaction and its advisory lock.
  await expect.poll(holders, { timeout: 10_000 }).toEqual([]);

  // The job it had is taken back after FERRY_JOB_TIMEOUT_SECONDS and run by the worker left.
  const job = () => cluster.query<{ state: string; retry_count: number }>("SELECT state::text, retry_count FROM pgboss.job WHERE id = $1", [taken[0]!.id]);
  await expect.poll(job, { timeout: (JOB_TIMEOUT_SECONDS + 45) * 1000, intervals: [1_000] }).toEqual([{ state: "completed", retry_count: 1 }]);
  expect(await cluster.query('SELECT "headSha", "syncError" FROM "Repository" WHERE name = $1', [REPOSITORY])).toEqual([{ headSha: newHead, syncError: null }]);
});

test("the periodic sync runs once per interval however many processes share the database", async () => {
  test.setTimeout(180_000);
  // Every process (web replicas too) runs pg-boss's clock; at least two intervals must have passed.
  const perMinute = () =>
    cluster.query<{ minute: Date; jobs: number; completed: number }>(
      `SELECT date_trunc('minute', created_on) AS minute, count(*)::int AS jobs, count(*) FILTER (WHERE state = 'completed')::int AS completed
         FROM pgboss.job WHERE name = $1 AND created_on >= $2 GROUP BY 1 ORDER BY 1`,
      [SYNC_ALL, startedAt],
    );
  await expect.poll(async () => (await perMinute()).filter((m) => m.completed === 1).length, { timeout: 150_000, intervals: [2_000] }).toBeGreaterThanOrEqual(2);
  const minutes = await perMinute();
  expect(SYNC_INTERVAL_SECONDS).toBe(60);
  for (const m of minutes) expect(m.jobs, `SYNC_ALL jobs created in the minute of ${m.minute.toISOString()}`).toBe(1);
  // Nothing ran twice at once either: at no moment were two periodic syncs active.
  const [overlaps] = await cluster.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pgboss.job x JOIN pgboss.job y ON x.name = y.name AND x.id < y.id
      WHERE x.name = $1 AND x.started_on < y.completed_on AND y.started_on < x.completed_on`,
    [SYNC_ALL],
  );
  expect(overlaps!.n).toBe(0);
});
