import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Gitlab } from "@gitbeaker/rest";
import { Octokit } from "octokit";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, vi } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { TEST_TOKEN } from "@/lib/scm/github/testing/connect";
import type { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import type { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { setEnv } from "./forge-setup";

// Shared wiring for the forge integration tests (forge-promotion, forge-scaffold): demo content
// replayed into the GitHub/GitLab test servers (forge-setup.ts, re-exported here), a fresh portal
// module graph and database per forge, and a read-only view of each server's repository for assertions.

export { demoHistory, githubEnv, gitlabEnv, seedGitHub, seedGitLab, setEnv, type DemoStep } from "./forge-setup";

/** One repository on a forge test server, seen from outside Ferry: its state, and a reviewer's own client. */
export interface ForgeView {
  changeUrl(number: number): string;
  /** Requests served so far. */
  requests(): number;
  /** Non-GET API requests since index `from` (git fetches are reads). */
  writes(from: number): number;
  mainSha(): string;
  tip(branch: string): string | null;
  parents(commit: string): string[];
  /** path → blob sha of a commit's files. */
  files(commit: string): Map<string, string>;
  content(commit: string, path: string): string;
  /** Change requests on the forge: number, state and source branch. */
  changeRequests(): { number: number; state: string; branch: string }[];
  /** Someone closes a change request on the forge (no webhook follows). */
  closeOnForge(number: number): Promise<void>;
  /** A reviewer merges on the forge, with its own client (not Ferry's). */
  mergeOnForge(number: number, headSha: string): Promise<void>;
}

export function githubView(server: GitHubTestServer): ForgeView {
  const reviewer = () => new Octokit({ auth: TEST_TOKEN, baseUrl: server.apiUrl });
  const tree = (commit: string) => server.git.files(server.git.commitObject(commit)?.tree ?? "");
  return {
    changeUrl: (number) => `${server.repositoryUrl}/pull/${number}`,
    requests: () => server.requests.length,
    // git smart HTTP posts (fetches) read; only API calls other than GET write.
    writes: (from) => server.count((r) => r.method !== "GET" && !r.git, from),
    mainSha: () => server.git.refs.get("refs/heads/main") ?? "",
    tip: (branch) => server.git.refs.get(`refs/heads/${branch}`) ?? null,
    parents: (commit) => server.git.commitObject(commit)?.parents ?? [],
    files: (commit) => new Map([...tree(commit)].map(([p, f]) => [p, f.sha])),
    content: (commit, file) => {
      const blob = server.git.get(tree(commit).get(file)?.sha ?? "");
      return blob?.type === "blob" ? blob.data.toString("utf8") : "";
    },
    changeRequests: () => [...server.pulls.values()].map((p) => ({ number: p.number, state: p.state, branch: p.head })),
    closeOnForge: async (number) => {
      await reviewer().rest.pulls.update({ owner: server.owner, repo: server.repo, pull_number: number, state: "closed" });
    },
    mergeOnForge: async (number, headSha) => {
      const { data } = await reviewer().rest.pulls.merge({ owner: server.owner, repo: server.repo, pull_number: number, sha: headSha, merge_method: "merge" });
      if (!data.merged) throw new Error(`pull request #${number} was not merged`);
    },
  };
}

export function gitlabView(server: GitLabTestServer): ForgeView {
  const reviewer = () => new Gitlab({ host: server.url, token: server.token });
  return {
    changeUrl: (iid) => `${server.projectUrl}/-/merge_requests/${iid}`,
    requests: () => server.requests.length,
    writes: (from) => server.requests.slice(from).filter((r) => r.method !== "GET" && !r.git).length,
    mainSha: () => server.model.branches.get(server.defaultBranch) ?? "",
    tip: (branch) => server.model.branches.get(branch) ?? null,
    parents: (commit) => server.model.get(commit).parents,
    files: (commit) => new Map([...server.model.get(commit).files].map(([p, f]) => [p, f.blob])),
    content: (commit, file) => server.model.blobs.get(server.model.get(commit).files.get(file)?.blob ?? "")?.toString("utf8") ?? "",
    changeRequests: () => [...server.mergeRequests.values()].map((mr) => ({ number: mr.iid, state: mr.state, branch: mr.sourceBranch })),
    closeOnForge: async (iid) => {
      await reviewer().MergeRequests.edit(server.projectPath, iid, { stateEvent: "close" });
    },
    mergeOnForge: async (iid, headSha) => {
      const merged = await reviewer().MergeRequests.merge(server.projectPath, iid, { sha: headSha });
      if (merged.state !== "merged") throw new Error(`merge request !${iid} is ${String(merged.state)}`);
    },
  };
}

/** Paths whose blob differs between two commits (added, changed or removed), sorted. */
export function changedPaths(view: ForgeView, from: string, to: string): string[] {
  const [base, head] = [view.files(from), view.files(to)];
  return [...new Set([...base.keys(), ...head.keys()])].filter((p) => base.get(p) !== head.get(p)).sort();
}

/** A portal process of its own, for one describe: filled in by its beforeAll. */
export interface PortalContext<M> {
  modules: M;
  prisma: PrismaClient;
  db: TestDatabase;
  /** A second queue client, only to read what the route handlers queued (the portal's own has no API for it). */
  jobs: PgBoss;
}

/**
 * Each forge gets a portal process of its own: a fresh module registry (so the process-wide blob
 * cache, forge clients and job queue client start empty, and the second forge's sync reads its
 * blobs from its own server instead of finding the first forge's identical demo blobs in memory)
 * and a database of its own. Call it first in the describe, so it is torn down last.
 * `load` imports the portal modules the test drives; it runs after the registry was reset.
 */
export function startPortal<M>(label: string, load: () => Promise<M>): PortalContext<M> {
  const ctx = {} as PortalContext<M>;
  let restoreEnv: (() => void) | undefined;
  let stopSyncWorker: (() => Promise<void>) | undefined;
  let disconnectPrisma: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    vi.resetModules();
    const [worker, client, modules] = await Promise.all([import("@/lib/sync/worker"), import("@/lib/db/client"), load()]);
    stopSyncWorker = worker.stopSyncWorker;
    disconnectPrisma = client.disconnectPrisma;
    ctx.modules = modules;
    ctx.db = await createTestDatabase();
    // The route handlers, the job queue and the change request store use the process-wide client.
    // Forge repositories are cloned into the data dir: a temporary one, not the developer's .data.
    restoreEnv = setEnv({ DATABASE_URL: ctx.db.connectionString, FERRY_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "ferry-forge-data-")) });
    ctx.prisma = client.getPrisma();
    ctx.jobs = new PgBoss({ connectionString: ctx.db.connectionString, supervise: false, schedule: false, max: 2 });
    ctx.jobs.on("error", (error) => console.error(`[${label}] queue:`, error));
    await ctx.jobs.start();
  }, 120_000);

  afterAll(async () => {
    await stopSyncWorker?.();
    await ctx.jobs?.stop({ graceful: false, wait: true });
    await disconnectPrisma?.();
    await ctx.db?.drop();
    restoreEnv?.();
  });
  return ctx;
}

/** Takes every waiting job of a queue, as a worker would, and marks them done once `run` succeeded. */
export async function takeJobs<T extends object>(jobs: PgBoss, name: string, run: (data: T) => Promise<void>): Promise<T[]> {
  const taken = await jobs.fetch<T>(name, { batchSize: 10 });
  for (const job of taken) await run(job.data);
  if (taken.length > 0) await jobs.complete(name, taken.map((j) => j.id));
  return taken.map((j) => j.data);
}
