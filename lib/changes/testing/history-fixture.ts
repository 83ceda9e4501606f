import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { runGit } from "@/lib/scm/git/run-git";
import { SHOP_BASE as BASE, shopOverlay as overlay } from "@/lib/gitops/testing/shop-history";

// A kustomize repository with a known history: staging ran 1.0.0, then 1.1.0, then (merged from a
// promotion branch) 1.2.0, with a commit between that changed its replicas but not its version.

export interface Person {
  name: string;
  email: string;
}
export const ALICE: Person = { name: "Alice Example", email: "alice@acme.example" };
export const BOB: Person = { name: "Bob Builder", email: "bob@acme.example" };
export const CAROL: Person = { name: "Carol Ops", email: "carol@acme.example" };
export const DANA: Person = { name: "Dana Release", email: "dana@acme.example" };

export const PROMOTION_BRANCH = "ferry/promote/shop/staging";

export function historyGit(dir: string, args: string[], who: Person = ALICE, date = "2026-11-01T10:00:00Z"): Promise<string> {
  const env = {
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  return runGit(["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...args], { cwd: dir, env }).then((out) => out.trim());
}

async function commit(dir: string, files: Record<string, string>, message: string, who: Person, date: string): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await historyGit(dir, ["add", "--", ...Object.keys(files)], who, date);
  await historyGit(dir, ["commit", "-q", "-m", message], who, date);
  return historyGit(dir, ["rev-parse", "HEAD"]);
}

export interface HistoryShas {
  v100: string;
  v110: string;
  replicas: string;
  /** The commit on the promotion branch. */
  branch120: string;
  /** The merge of the promotion branch into main: where staging got 1.2.0. */
  merge120: string;
}

export async function createHistoryRepository(dir: string): Promise<HistoryShas> {
  await mkdir(dir, { recursive: true });
  await historyGit(dir, ["init", "-q", "-b", "main"]);
  const v100 = await commit(
    dir,
    { ...BASE, "apps/shop/overlays/dev/kustomization.yaml": overlay("1.3.0"), "apps/shop/overlays/staging/kustomization.yaml": overlay("1.0.0") },
    "shop: dev 1.3.0, staging 1.0.0",
    ALICE,
    "2026-11-01T10:00:00Z",
  );
  const v110 = await commit(dir, { "apps/shop/overlays/staging/kustomization.yaml": overlay("1.1.0") }, "shop: staging 1.1.0", BOB, "2026-11-02T10:00:00Z");
  const replicas = await commit(dir, { "apps/shop/overlays/staging/kustomization.yaml": overlay("1.1.0", 2) }, "shop: two replicas in staging", CAROL, "2026-11-03T10:00:00Z");
  await historyGit(dir, ["checkout", "-q", "-b", PROMOTION_BRANCH]);
  const branch120 = await commit(dir, { "apps/shop/overlays/staging/kustomization.yaml": overlay("1.2.0", 2) }, "Promote shop to staging: 1.1.0 → 1.2.0", DANA, "2026-11-04T10:00:00Z");
  await historyGit(dir, ["checkout", "-q", "main"]);
  await historyGit(dir, ["merge", "-q", "--no-ff", "-m", `Merge ${PROMOTION_BRANCH}`, PROMOTION_BRANCH], DANA, "2026-11-05T10:00:00Z");
  const merge120 = await historyGit(dir, ["rev-parse", "HEAD"]);
  // Merged branches are deleted, as the forges do: the next promotion opens a new one.
  await historyGit(dir, ["branch", "-q", "-d", PROMOTION_BRANCH]);
  return { v100, v110, replicas, branch120, merge120 };
}

export async function commitOverlay(dir: string, env: string, tag: string, who: Person, date: string, replicas?: number): Promise<string> {
  return commit(dir, { [`apps/shop/overlays/${env}/kustomization.yaml`]: overlay(tag, replicas) }, `shop: ${env} ${tag}`, who, date);
}
