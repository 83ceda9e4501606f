import { readFile } from "node:fs/promises";
import path from "node:path";
import { listCommitFiles, readDeleteList, readDemoContent } from "@/lib/demo/demo-content";
import { TEST_TOKEN } from "@/lib/scm/github/testing/token";
import type { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import type { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";

// Forge test setup that needs no test runner: the demo history replayed into the GitHub/GitLab test
// servers and the portal's environment for each forge. Used by the integration tests (through
// forge-harness.ts) and by the e2e forge servers (e2e/forges/serve-forges.ts), which run without vitest.

const DEMO_DIR = path.resolve(import.meta.dirname, "../../../demo/repos");

/** Sets (or, with undefined, removes) environment variables; returns how to put the old values back. */
export function setEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.entries(values).map(([key]) => [key, process.env[key]] as const);
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

export interface DemoStep {
  message: string;
  author: { name: string; email: string };
  date: string;
  /** path → new content, or null to delete. */
  changes: Record<string, string | null>;
}

/** A demo repository's history (demo/repos/<name>), commit by commit, as the demo replayer reads it. */
export async function demoHistory(name: string): Promise<DemoStep[]> {
  const repo = (await readDemoContent(DEMO_DIR)).find((r) => r.name === name);
  if (!repo) throw new Error(`demo repository ${name} is missing`);
  const steps: DemoStep[] = [];
  for (const commit of repo.commits) {
    const dir = path.join(repo.dir, "commits", commit.dir);
    const changes: Record<string, string | null> = {};
    for (const file of await listCommitFiles(dir)) changes[file] = await readFile(path.join(dir, file), "utf8");
    for (const file of await readDeleteList(dir)) changes[file] = null;
    steps.push({ message: commit.message, author: commit.author, date: commit.date, changes });
  }
  return steps;
}

/** Replays `steps` onto the GitHub test server's main branch. */
export function seedGitHub(server: GitHubTestServer, steps: DemoStep[]): void {
  const git = server.git;
  for (const step of steps) {
    const parent = git.refs.get("refs/heads/main");
    const files = parent ? git.files(git.commitObject(parent)?.tree ?? "") : new Map<string, { mode: string; sha: string }>();
    for (const [file, content] of Object.entries(step.changes)) {
      if (content === null) files.delete(file);
      else files.set(file, { mode: "100644", sha: git.blob(content) });
    }
    const date = new Date(step.date).toISOString().replace(/\.\d{3}Z$/, "Z");
    const sha = git.commit({ tree: git.buildTree(files), parents: parent ? [parent] : [], message: step.message, author: { ...step.author, date } });
    git.refs.set("refs/heads/main", sha);
  }
}

/** Replays `steps` onto the GitLab test server's default branch. */
export function seedGitLab(server: GitLabTestServer, steps: DemoStep[]): void {
  for (const step of steps) server.model.commitFiles(server.defaultBranch, step.changes, step.message, { author: step.author });
}

/** Portal environment for GitHub with a personal token. Without `apiUrl`, each repository's API is `<its origin>/api/v3`. */
export function githubEnv(opts: { secret: string; apiUrl?: string }): Record<string, string | undefined> {
  return {
    FERRY_GITHUB_API_URL: opts.apiUrl,
    FERRY_GITHUB_TOKEN: TEST_TOKEN,
    FERRY_GITHUB_TOKEN_FILE: undefined,
    FERRY_GITHUB_APP_ID: undefined,
    FERRY_GITHUB_APP_ID_FILE: undefined,
    FERRY_GITHUB_APP_PRIVATE_KEY: undefined,
    FERRY_GITHUB_APP_PRIVATE_KEY_FILE: undefined,
    FERRY_GITHUB_WEBHOOK_SECRET: opts.secret,
    FERRY_GITHUB_WEBHOOK_SECRET_FILE: undefined,
  };
}

/** Portal environment for GitLab. Without `url`, each project's API is at its own origin. */
export function gitlabEnv(opts: { token: string; secret: string; url?: string }): Record<string, string | undefined> {
  return {
    FERRY_GITLAB_TOKEN: opts.token,
    FERRY_GITLAB_TOKEN_FILE: undefined,
    FERRY_GITLAB_URL: opts.url,
    FERRY_GITLAB_WEBHOOK_TOKEN: opts.secret,
    FERRY_GITLAB_WEBHOOK_TOKEN_FILE: undefined,
  };
}
