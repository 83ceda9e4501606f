import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Gitlab } from "@gitbeaker/rest";
import { expect, type Page } from "@playwright/test";
import { Octokit } from "octokit";
import { forgeUrls, GITHUB, GITLAB, type Forge, type SentDelivery, type ServedRequest } from "./forges";

// What the forge specs ask the forge test servers (serve-forges.ts's control endpoint) and the forges
// themselves from outside Ferry, as a reviewer or an auditor would.

const urls = forgeUrls();
const run = promisify(execFile);

export async function control<T>(path: string): Promise<T> {
  const response = await fetch(`${urls.control}${path}`);
  expect(response.status, `GET ${path} on the forge servers`).toBe(200);
  return (await response.json()) as T;
}

export const served = (forge: Forge) => control<ServedRequest[]>(`/requests?forge=${forge}`);

export const delivered = async (forge: Forge) => (await control<SentDelivery[]>("/deliveries")).filter((d) => d.forge === forge);

/** The forge's CI on the open change request's head (GitHub: required check "build"; GitLab: the head pipeline), from `branch` if given. */
export async function ci(forge: Forge, state: "pending" | "success", branch?: string): Promise<void> {
  const response = await fetch(`${urls.control}/ci?forge=${forge}&state=${state}${branch ? `&branch=${encodeURIComponent(branch)}` : ""}`, { method: "POST" });
  expect(response.status, `POST /ci on the forge servers`).toBe(200);
  expect(((await response.json()) as { head: string | null }).head).not.toBeNull();
}

/** The row of `app` from `repository` (both forge repositories hold the same demo apps). */
export function matrixRow(page: Page, repository: string, app: string) {
  return page.getByTestId(`row-${app}`).filter({ hasText: repository });
}

/**
 * The files `branch` changes against the default branch (`git diff --name-only main...branch`),
 * fetched over git from the forge as any clone would: what the pull/merge request shows as changed.
 */
export async function filesChangedOnForge(forge: Forge, branch: string): Promise<string[]> {
  const [url, user, token] = forge === "github" ? [`${urls.githubRepository}.git`, "x-access-token", GITHUB.token] : [`${urls.gitlabProject}.git`, "oauth2", GITLAB.token];
  const dir = await mkdtemp(path.join(os.tmpdir(), "ferry-e2e-forge-fetch-"));
  const header = `Authorization: Basic ${Buffer.from(`${user}:${token}`).toString("base64")}`;
  const git = (...args: string[]) => run("git", ["-C", dir, "-c", `http.extraHeader=${header}`, "-c", "credential.helper=", ...args]);
  try {
    await git("init", "--quiet", "--bare");
    await git("fetch", "--quiet", url, `+refs/heads/main:refs/heads/main`, `+refs/heads/${branch}:refs/heads/change`);
    const { stdout } = await git("diff", "--name-only", "main...change");
    return stdout.split("\n").filter(Boolean).sort();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An open pull/merge request as the forge holds it. */
export interface ForgeChangeRequest {
  number: number;
  headSha: string;
  title: string;
  body: string;
}

const github = () => new Octokit({ auth: GITHUB.token, baseUrl: urls.githubApi });
const gitlab = () => new Gitlab({ host: urls.gitlab, token: GITLAB.token });

/** Open change requests from `branch`, read with the reviewer's own client. */
export async function openOnForge(forge: Forge, branch: string): Promise<ForgeChangeRequest[]> {
  if (forge === "github") {
    const { data } = await github().rest.pulls.list({ owner: GITHUB.owner, repo: GITHUB.repo, state: "open", head: `${GITHUB.owner}:${branch}` });
    return data.map((p) => ({ number: p.number, headSha: p.head.sha, title: p.title, body: p.body ?? "" }));
  }
  const list = await gitlab().MergeRequests.all({ projectId: GITLAB.projectPath, sourceBranch: branch, state: "opened" });
  return list.map((mr) => ({ number: mr.iid, headSha: String(mr.sha), title: mr.title, body: mr.description ?? "" }));
}

/** The reviewer merges on the forge, with their own client, not through Ferry. */
export async function mergeOnForge(forge: Forge, n: number, headSha: string): Promise<void> {
  if (forge === "github") {
    const { data } = await github().rest.pulls.merge({ owner: GITHUB.owner, repo: GITHUB.repo, pull_number: n, sha: headSha, merge_method: "merge" });
    expect(data.merged).toBe(true);
    return;
  }
  const merged = await gitlab().MergeRequests.merge(GITLAB.projectPath, n, { sha: headSha });
  expect(merged.state).toBe("merged");
}
