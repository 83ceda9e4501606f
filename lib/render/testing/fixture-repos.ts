import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defaultDemoDir, listCommitFiles, readDeleteList, readDemoContent } from "@/lib/demo/demo-content";
import type { FileTree } from "@/lib/gitops/model";
import { fixtureTree } from "@/lib/gitops/promote/test-helpers";
import { listFixtures, loadFixture } from "@/lib/gitops/testing/load-fixture";

// The repositories the rendered-diff tests walk: every reader and promotion fixture, and the demo
// repositories at their last commit.

export interface Repo {
  name: string;
  tree: FileTree;
}

export async function demoRepos(): Promise<Repo[]> {
  const out: Repo[] = [];
  for (const repo of await readDemoContent(defaultDemoDir())) {
    const tree = new Map<string, string>();
    for (const commit of repo.commits) {
      const dir = path.join(repo.dir, "commits", commit.dir);
      for (const file of await listCommitFiles(dir)) tree.set(file, readFileSync(path.join(dir, file), "utf8"));
      for (const gone of await readDeleteList(dir)) tree.delete(gone);
    }
    out.push({ name: `demo/${repo.name}`, tree });
  }
  return out;
}

export function fixtureRepos(): Repo[] {
  const promoteFixtures = readdirSync(path.join(import.meta.dirname, "../../gitops/promote/fixtures"), { withFileTypes: true }).filter((e) => e.isDirectory());
  return [...listFixtures().map((name) => ({ name, tree: loadFixture(name) })), ...promoteFixtures.map((e) => ({ name: `promote/${e.name}`, tree: fixtureTree(e.name) }))];
}

