// Full index from an empty cache, incremental re-index after one-file commits, and a no-change sync,
// all through the same entry points the portal uses (syncAllRepositories / syncRepositoryNow).
import type { PrismaClient } from "@/lib/db/generated/client";
import { syncAllRepositories, syncRepositoryNow } from "@/lib/sync/sync-now";
import type { SyncResult } from "@/lib/sync/sync-repository";
import { ENVS, appName } from "./conventions";
import { commitOneFile, type BenchRepo, type BenchRepoPlan } from "./generate-org";
import { log, ms, summarize, timed, type Summary } from "./measure";

export async function registerRepositories(prisma: PrismaClient, repos: readonly BenchRepo<BenchRepoPlan>[]): Promise<void> {
  for (const r of repos) {
    await prisma.repository.create({ data: { name: r.name, provider: "git", url: r.dir, defaultBranch: "main", team: r.team } });
  }
}

export interface FullIndexResult {
  wallMs: number;
  perRepo: Summary;
  results: SyncResult[];
  apps: number;
  deployments: number;
  files: number;
}

export async function fullIndex(prisma: PrismaClient): Promise<FullIndexResult> {
  const { ms: wallMs, value: results } = await timed(() => syncAllRepositories(prisma));
  for (const r of results) {
    if (r.status !== "synced") log(`  ${r.repository}: ${r.status}${r.error ? ` (${r.error})` : ""}`);
  }
  const byConvention = new Map<string, number[]>();
  for (const r of results) {
    const convention = r.repository.replace(/-\d+$/, "");
    byConvention.set(convention, [...(byConvention.get(convention) ?? []), r.durationMs]);
  }
  log(`  median per convention: ${[...byConvention].map(([c, d]) => `${c} ${ms(summarize(d).p50)}`).join(", ")}`);
  const slowest = [...results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3);
  log(`  slowest repositories: ${slowest.map((r) => `${r.repository} ${r.durationMs} ms`).join(", ")}`);
  const [apps, deployments, files] = await Promise.all([prisma.app.count(), prisma.deployment.count(), prisma.repositoryFile.count()]);
  return { wallMs, perRepo: summarize(results.map((r) => r.durationMs)), results, apps, deployments, files };
}

export interface IncrementalResult {
  runs: number[];
  /** Deployment rows of the repository rewritten by each one-file sync (a new row version, seen by xmin). */
  rewritten: number[];
  cells: number;
  /** Runs whose result was not "synced, 1 file changed, new tag in the Deployment row". */
  problems: string[];
  noChange: number[];
}

/** One one-file commit of the incremental phase: `edit` puts `tag` into `file`, which sets app × env's version. */
export interface IncrementalPick {
  file: string;
  app: string;
  env: string;
  edit: (content: string, tag: string) => string;
}

/** The default org: a tag bump in five different overlays of one kustomize repository. */
export function kustomizePicks(repo: BenchRepo): IncrementalPick[] {
  return [3, 17, 42, 66, 91].map((k, n) => {
    const app = appName(repo.firstApp + (k % repo.apps));
    const env = ENVS[(n * 2 + 1) % ENVS.length]!;
    return { app, env, file: `apps/${app}/overlays/${env}/kustomization.yaml`, edit: (c, tag) => c.replace(/newTag: \S+/, `newTag: ${tag}`) };
  });
}

/**
 * Five one-file commits (`picks`, each changing one version), each followed by a timed sync; then five
 * timed syncs with the head unchanged.
 */
export async function incrementalReindex(prisma: PrismaClient, repo: BenchRepo<BenchRepoPlan>, picks: IncrementalPick[]): Promise<IncrementalResult> {
  const stamp = Date.now() % 1_000_000; // a new tag every run, so reruns still change the file
  const runs: number[] = [];
  const rewritten: number[] = [];
  const problems: string[] = [];
  // xmin changes exactly when a row is rewritten, so it counts the UPDATEs a sync really issued.
  const versions = async () =>
    new Map(
      (
        await prisma.$queryRaw<{ id: number; xmin: string }[]>`SELECT d."id", d.xmin::text AS xmin FROM "Deployment" d
          JOIN "App" a ON a."id" = d."appId" JOIN "Repository" r ON r."id" = a."repositoryId" WHERE r."name" = ${repo.name}`
      ).map((r) => [r.id, r.xmin]),
    );
  let cells = 0;
  for (const [n, pick] of picks.entries()) {
    const file = pick.file;
    const tag = `3.${stamp}.${n}`;
    await commitOneFile(repo.dir, file, (c) => pick.edit(c, tag), `bench: bump ${pick.app} in ${pick.env} to ${tag}`);
    const before = await versions();
    const { ms: took, value: result } = await timed(() => syncRepositoryNow(prisma, repo.name));
    runs.push(took);
    const after = await versions();
    cells = after.size;
    rewritten.push([...after].filter(([id, xmin]) => before.get(id) !== xmin).length);
    const row = await prisma.deployment.findFirst({ where: { app: { name: pick.app }, environment: { name: pick.env } }, select: { versions: true } });
    const stored = JSON.stringify(row?.versions ?? null).includes(tag);
    log(`  ${file}: ${result.status}, ${result.changedFiles} changed file(s), ${rewritten.at(-1)}/${cells} deployment rows rewritten, ${ms(took)}${stored ? "" : " — NEW TAG NOT IN THE CACHE"}`);
    if (result.status !== "synced" || result.changedFiles !== 1 || !stored) problems.push(`${file}: status ${result.status}, changed ${result.changedFiles}, tag stored ${stored}`);
  }
  const noChange: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { ms: took, value: result } = await timed(() => syncRepositoryNow(prisma, repo.name));
    noChange.push(took);
    if (result.status !== "unchanged") problems.push(`no-change sync ${i + 1}: status ${result.status}`);
  }
  return { runs, rewritten, cells, problems, noChange };
}
