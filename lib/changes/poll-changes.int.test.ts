import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";
import { startTokenServer } from "@/lib/scm/github/testing/connect";
import type { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { githubEnv, githubView, gitlabEnv, gitlabView, setEnv, startPortal, type ForgeView } from "./testing/forge-harness";

// The counting test of the polling fallback (issue #15): with 50 open changes in a repository, a poll
// costs one request to the forge when nothing changed, and at most two when changes were merged on
// the forge or went into conflict, and it picks those up. Requests are counted at the test servers,
// which validate every answer (GitHub: OpenAPI description and GraphQL schema; GitLab: documented shapes).
// Before this, each poll read every open pull request with four REST calls: 200 requests here.

const OPEN = 50;
const file = (i: number) => `apps/app${i}/production/deployment.yaml`;
const branch = (i: number) => `ferry/promote/app${i}/production`;
const yaml = (tag: string) => `image: ghcr.io/acme/app:${tag}\n`;

type Poll = typeof import("./poll-changes");

interface Forge {
  view: ForgeView;
  repository: string;
  /** Requests the poll made, counted at the server. */
  requestsDuring(fn: () => Promise<unknown>): Promise<number>;
  /** Commits to a branch on the forge (someone else's push). */
  push(branchName: string, files: Record<string, string>): string;
  /** What a single change of head costs in the same poll besides the batch read. */
  headMoveExtra: number;
}

function pollFlow(ctx: { modules: Poll; prisma: PrismaClient }, forge: () => Forge) {
  const row = (i: number) => ctx.prisma.changeRequest.findFirstOrThrow({ where: { branch: branch(i), repository: { name: forge().repository } } });
  const openClean = () => ctx.prisma.changeRequest.count({ where: { state: "OPEN", conflict: false, repository: { name: forge().repository } } });

  it(`reads ${OPEN} open changes in one request per poll`, async () => {
    const f = forge();
    expect(await f.requestsDuring(() => ctx.modules.refreshOpenChanges(ctx.prisma))).toBe(1);
    expect(await f.requestsDuring(() => ctx.modules.refreshOpenChanges(ctx.prisma))).toBe(1);
    expect(await openClean()).toBe(OPEN);
  });

  it("picks up a change merged on the forge and one whose base moved under its file, within two requests", async () => {
    const f = forge();
    const merged = await row(0);
    await f.view.mergeOnForge(merged.number!, merged.headSha!);
    const mergeCommit = f.view.mainSha();
    f.push("main", { [file(1)]: yaml("1.0.1") });
    let result: string[] = [];
    const requests = await f.requestsDuring(async () => (result = await ctx.modules.refreshOpenChanges(ctx.prisma)));
    expect(requests).toBeLessThanOrEqual(2);
    expect(result).toEqual([f.repository]);
    expect(await row(0)).toMatchObject({ state: "MERGED", mergedAt: expect.any(Date), mergeCommitSha: mergeCommit });
    expect(await row(1)).toMatchObject({ state: "OPEN", conflict: true });
    expect(await openClean()).toBe(OPEN - 2);
  });

  it("follows a head pushed by someone else", async () => {
    const f = forge();
    const tip = f.push(branch(2), { [file(2)]: yaml("2.0.1") });
    expect(await f.requestsDuring(() => ctx.modules.refreshOpenChanges(ctx.prisma))).toBe(1 + f.headMoveExtra);
    expect(await row(2)).toMatchObject({ state: "OPEN", headSha: tip, conflict: false });
    expect(await f.requestsDuring(() => ctx.modules.refreshOpenChanges(ctx.prisma))).toBe(1);
  });
}

async function registerChanges(prisma: PrismaClient, repository: { name: string; provider: string; url: string }, changes: { number: number; branch: string; baseSha: string; headSha: string; updatedAt: string }[]) {
  const repo = await prisma.repository.create({ data: { name: repository.name, provider: repository.provider, url: repository.url, defaultBranch: "main" } });
  await prisma.changeRequest.createMany({
    data: changes.map((c) => ({
      repositoryId: repo.id,
      kind: "PROMOTION" as const,
      state: "OPEN" as const,
      number: c.number,
      branch: c.branch,
      baseSha: c.baseSha,
      headSha: c.headSha,
      title: `Promote ${c.branch}`,
      body: "",
      changeSet: {},
      // What opening it through Ferry records.
      forgeUpdatedAt: new Date(c.updatedAt),
      conflict: false,
    })),
  });
}

describe("GitHub: polling open pull requests", () => {
  const ctx = startPortal("poll-github", () => import("./poll-changes"));
  let server: GitHubTestServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    server = await startTokenServer();
    restoreEnv = setEnv(githubEnv({ secret: "unused", apiUrl: server.apiUrl }));
    const base = server.git.commitFiles("main", Object.fromEntries(Array.from({ length: OPEN }, (_, i) => [file(i), yaml("1.0.0")])), "fifty apps");
    const changes = Array.from({ length: OPEN }, (_, i) => {
      server.git.refs.set(`refs/heads/${branch(i)}`, base);
      const headSha = server.git.commitFiles(branch(i), { [file(i)]: yaml("2.0.0") }, `promote app${i}`);
      const pull = server.openPull(branch(i), "main", `Promote app${i}`);
      return { number: pull.number, branch: branch(i), baseSha: base, headSha, updatedAt: pull.updatedAt };
    });
    await registerChanges(ctx.prisma, { name: "gitops-github", provider: "github", url: server.repositoryUrl }, changes);
  });

  afterAll(async () => {
    expect(server?.violations).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  pollFlow(ctx as { modules: Poll; prisma: PrismaClient }, () => ({
    view: githubView(server),
    repository: "gitops-github",
    requestsDuring: async (fn) => {
      const from = server.requests.length;
      await fn();
      return server.requests.length - from;
    },
    push: (name, files) => server.git.commitFiles(name, files, `push to ${name}`),
    headMoveExtra: 0,
  }));
});

describe("GitLab: polling open merge requests", () => {
  const ctx = startPortal("poll-gitlab", () => import("./poll-changes"));
  let server: GitLabTestServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    server = await GitLabTestServer.start();
    restoreEnv = setEnv(gitlabEnv({ token: server.token, secret: "unused", url: server.url }));
    const base = server.model.commitFiles("main", Object.fromEntries(Array.from({ length: OPEN }, (_, i) => [file(i), yaml("1.0.0")])), "fifty apps").id;
    const changes = Array.from({ length: OPEN }, (_, i) => {
      const headSha = server.model.commitFiles(branch(i), { [file(i)]: yaml("2.0.0") }, `promote app${i}`, { from: "main" }).id;
      const mr = server.openMergeRequest({ sourceBranch: branch(i), title: `Promote app${i}` });
      return { number: mr.iid, branch: branch(i), baseSha: base, headSha, updatedAt: mr.updatedAt };
    });
    await registerChanges(ctx.prisma, { name: "gitops-gitlab", provider: "gitlab", url: server.projectUrl }, changes);
  });

  afterAll(async () => {
    expect(server?.shapeErrors).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  pollFlow(ctx as { modules: Poll; prisma: PrismaClient }, () => ({
    view: gitlabView(server),
    repository: "gitops-gitlab",
    requestsDuring: async (fn) => {
      const from = server.requests.length;
      await fn();
      return server.requests.length - from;
    },
    push: (name, files) => {
      const commit = server.model.commitFiles(name, files, `push to ${name}`);
      // A push updates the merge requests of that branch, as GitLab does (the model is written directly here).
      for (const mr of server.mergeRequests.values()) if (mr.state === "opened" && mr.sourceBranch === name) mr.updatedAt = new Date().toISOString();
      return commit.id;
    },
    // Approvals and the head pipeline are only in single reads: one show and one approvals call.
    headMoveExtra: 2,
  }));
});
