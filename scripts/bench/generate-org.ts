// Writes the synthetic org as real git repositories under .bench/org (one fast-import per repository,
// then a checkout so `kubectl kustomize` can read the working tree). Reused across runs unless --fresh:
// generating is not what the benchmark measures.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { planOrg, repoTree, type RepoPlan } from "./conventions";
import { fastImport, fastImportStream, git } from "./git";

/** Bump when the generators change, so a stale org is regenerated without --fresh. */
const ORG_VERSION = 2;

/** A generated repository: its plan, where it lives and how many files it has. */
export type BenchRepo<P extends BenchRepoPlan = RepoPlan> = P & {
  /** Absolute path of the repository (its working tree). */
  dir: string;
  files: number;
};

/** What every org's repository plan has (the sync registers `name` with `team`). */
export interface BenchRepoPlan {
  name: string;
  /** Repository-level team (Repository.team); null when teams come from the tree or nowhere. */
  team: string | null;
  /** A word for the layout, in commit messages and per-layout timings. */
  convention: string;
  apps: number;
}

interface Manifest<P extends BenchRepoPlan> {
  version: number;
  repos: BenchRepo<P>[];
}

export interface GenerateOptions {
  root: string;
  fresh: boolean;
  log: (line: string) => void;
}

/** The default org: 20 repositories × 100 apps in five conventions (see conventions.ts). */
export function generateOrg(options: GenerateOptions): Promise<{ repos: BenchRepo[]; generated: boolean; ms: number }> {
  return generateRepos(options, { version: ORG_VERSION, plans: planOrg(), tree: repoTree });
}

export interface OrgGenerator<P extends BenchRepoPlan> {
  /** Bump when the generator changes, so a stale org on disk is regenerated without --fresh. */
  version: number;
  plans: P[];
  tree: (plan: P) => Map<string, string>;
}

/** Writes each plan's tree as a git repository under `root`, or reuses the org written before. */
export async function generateRepos<P extends BenchRepoPlan>(
  { root, fresh, log }: GenerateOptions,
  { version, plans, tree }: OrgGenerator<P>,
): Promise<{ repos: BenchRepo<P>[]; generated: boolean; ms: number }> {
  const started = performance.now();
  const manifestFile = path.join(root, "manifest.json");
  if (!fresh && existsSync(manifestFile)) {
    const manifest = JSON.parse(await readFile(manifestFile, "utf8")) as Manifest<P>;
    if (manifest.version === version && manifest.repos.every((r) => existsSync(path.join(r.dir, ".git")))) {
      return { repos: manifest.repos, generated: false, ms: performance.now() - started };
    }
    log("org on disk is from another generator version or incomplete: regenerating");
  }

  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const repos: BenchRepo<P>[] = [];
  // Two at a time: the box has 2 cores and fast-import + checkout are mostly CPU and disk.
  for (let i = 0; i < plans.length; i += 2) {
    const batch = plans.slice(i, i + 2);
    repos.push(...(await Promise.all(batch.map((plan) => writeRepo(root, plan, tree(plan))))));
    log(`  generated ${repos.length}/${plans.length} repositories (${repos.reduce((n, r) => n + r.files, 0)} files)`);
  }
  await writeFile(manifestFile, `${JSON.stringify({ version, repos } satisfies Manifest<P>, null, 2)}\n`);
  return { repos, generated: true, ms: performance.now() - started };
}

async function writeRepo<P extends BenchRepoPlan>(root: string, plan: P, tree: Map<string, string>): Promise<BenchRepo<P>> {
  const dir = path.join(root, plan.name);
  await mkdir(dir, { recursive: true });
  await git(dir, ["init", "--quiet", "--initial-branch=main"]);
  // Like the demo repositories: merges into the checked-out main update its working tree.
  await git(dir, ["config", "receive.denyCurrentBranch", "updateInstead"]);
  // A fixed date keeps commit SHAs identical across regenerations.
  await fastImport(dir, fastImportStream(tree, `Initial ${plan.convention} layout: ${plan.apps} apps`, 1_767_225_600));
  await git(dir, ["reset", "--quiet", "--hard", "main"]);
  return { ...plan, dir, files: tree.size };
}

/**
 * Commits a one-file change in a repository's working tree: `edit` gets the current content and
 * returns the new one. Returns the new head SHA.
 */
export async function commitOneFile(dir: string, file: string, edit: (content: string) => string, message: string): Promise<string> {
  const full = path.join(dir, file);
  const before = await readFile(full, "utf8");
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  await writeFile(full, after);
  await git(dir, ["add", "--", file]);
  await git(dir, ["commit", "--quiet", "-m", message]);
  return (await git(dir, ["rev-parse", "HEAD"])).trim();
}
