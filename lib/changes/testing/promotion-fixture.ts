import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDemoRepositories } from "@/lib/demo/create-demo-repos";
import type { PrismaClient } from "@/lib/db/generated/client";
import { runGit } from "@/lib/scm/git/run-git";
import { syncRepositoryNow } from "@/lib/sync/sync-now";

// Real git repositories for the promotion integration tests: the demo repositories, and a generated
// one with many apps (the demo has only three per repository).

const GIT_ENV = {
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@ferry.invalid",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@ferry.invalid",
};

export function git(dir: string, args: string[]): Promise<string> {
  return runGit(["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...args], { cwd: dir, env: GIT_ENV }).then((out) => out.trim());
}

/** Commits `files` (path → content) on the checked-out branch of a working repository. */
export async function commitFiles(dir: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await git(dir, ["add", "--", ...Object.keys(files)]);
  await git(dir, ["commit", "-q", "-m", message]);
  return git(dir, ["rev-parse", "HEAD"]);
}

export function deploymentYaml(app: string, env: string, tag: string): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${app}`,
    `  namespace: ${env}`,
    "spec:",
    `  replicas: ${env === "production" ? 3 : 1}`,
    "  template:",
    "    spec:",
    "      containers:",
    `        - name: ${app}`,
    `          image: ghcr.io/acme/${app}:${tag}`,
    "",
  ].join("\n");
}

/** A repository with `count` env-folder apps (`apps/app-N/{staging,production}`), staging ahead. */
export async function createManyAppsRepository(dir: string, count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(dir, ["init", "-q", "-b", "main"]);
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    files[`apps/app-${i}/staging/deployment.yaml`] = deploymentYaml(`app-${i}`, "staging", `1.${i}.1`);
    files[`apps/app-${i}/production/deployment.yaml`] = deploymentYaml(`app-${i}`, "production", `1.${i}.0`);
  }
  await commitFiles(dir, files, "many apps");
}

export interface PromotionWorld {
  root: string;
  repos: string;
  cleanup(): Promise<void>;
}

/** Demo repositories in a temp dir, FERRY_DATA_DIR pointing there too. */
export async function createWorld(): Promise<PromotionWorld> {
  const root = await mkdtemp(path.join(tmpdir(), "ferry-open-promotion-"));
  process.env.FERRY_DATA_DIR = path.join(root, "data");
  const repos = path.join(root, "repos");
  const created = await createDemoRepositories({ targetDir: repos, demoDir: path.resolve(import.meta.dirname, "../../../demo/repos") });
  const broken = created.filter((r) => r.error);
  if (broken.length > 0) throw new Error(`demo repositories failed: ${broken.map((r) => r.error).join("; ")}`);
  return { root, repos, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Registers a local repository and syncs it into the cache. */
export async function registerRepository(prisma: PrismaClient, name: string, dir: string, team: string | null): Promise<void> {
  await prisma.repository.create({ data: { name, provider: "git", url: dir, defaultBranch: "main", team } });
  const synced = await syncRepositoryNow(prisma, name);
  if (synced.status === "error") throw new Error(`sync of ${name} failed: ${synced.error}`);
}
