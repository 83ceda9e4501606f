import type { PrismaClient } from "@/lib/db/generated/client";
import type { EnvironmentImpact } from "@/lib/gitops/impact";
import type { FileTree } from "@/lib/gitops/model";
import { KustomizeBuildCache, readRepository } from "@/lib/gitops/read";
import { loadFileTree } from "@/lib/sync/load-file-tree";
import { openScmRepository } from "@/lib/sync/open-scm";
import { readRepositoryAt } from "@/lib/sync/read-at-commit";
import { repositoryReadOptions } from "@/lib/sync/read-options";
import { compareFolder, foldersOf, type Cell, type FolderComparison } from "./compare-trees";
import { renderFolderCached } from "./folder-cache";
import { PromiseCache } from "./promise-cache";

export type RenderedChange =
  | { status: "rendered"; baseSha: string; headSha: string; folders: FolderComparison[] }
  /** Nothing to render, and why (no cell altered, branch commit unknown, the trees could not be read). */
  | { status: "none"; reason: string };

interface ChangeRow {
  id: number;
  baseSha: string;
  headSha: string | null;
  appName: string | null;
  toEnv: string | null;
  changeSet: unknown;
  repository: { id: number; name: string; provider: string; url: string; defaultBranch: string };
}

// A folder's render at a commit is kept per process in folder-cache.ts (shared with the promote dialog):
// a reload of the change page, or another change on the same base, does not render again.
// The whole comparison of a change at its (base, head): a reload does not even read the trees again.
const changeRenders = new PromiseCache<RenderedChange>(100, (r) => r.status === "rendered" && r.folders.every((f) => f.outcome.ok || !/did not finish/.test(f.outcome.reason)));

/** The rendered manifests of the environment folders a change alters, before and after it. */
export async function renderedChange(prisma: PrismaClient, changeId: number): Promise<RenderedChange> {
  const row = await prisma.changeRequest.findUnique({
    where: { id: changeId },
    select: { id: true, baseSha: true, headSha: true, appName: true, toEnv: true, changeSet: true, repository: { select: { id: true, name: true, provider: true, url: true, defaultBranch: true } } },
  });
  if (!row) return { status: "none", reason: "No such change." };
  const cells = cellsOf(row);
  if (cells.length === 0) return { status: "none", reason: "This change alters no environment: there is nothing to render." };
  if (!row.headSha) return { status: "none", reason: "The commit of this change's branch is not known yet." };
  const headSha = row.headSha;
  return changeRenders.get(`${row.id}\u0000${row.baseSha}\u0000${headSha}`, () => compute(prisma, row, cells, headSha));
}

async function compute(prisma: PrismaClient, row: ChangeRow, cells: Cell[], headSha: string): Promise<RenderedChange> {
  const scm = openScmRepository(row.repository);
  let before: Awaited<ReturnType<typeof readRepositoryAt>>;
  let afterTree: FileTree;
  try {
    const buildCache = new KustomizeBuildCache();
    before = await readRepositoryAt(prisma, scm, row.baseSha, buildCache);
    afterTree = (await loadFileTree(prisma, scm, await scm.readTree(headSha))).files;
  } catch (error) {
    return { status: "none", reason: `The repository could not be read at the change's commits: ${error instanceof Error ? error.message : String(error)}` };
  }
  // The model after the change only matters for a cell the change creates.
  const missing = cells.some((c) => !before.model.deployments.some((d) => d.app === c.app && d.env === c.env));
  const afterModel = missing ? readRepository(afterTree, repositoryReadOptions(scm)) : null;
  const folders = foldersOf(cells, before.model, afterModel);
  const render = (side: "before" | "after", tree: FileTree, path: string) => renderFolderCached(row.repository.id, side === "before" ? row.baseSha : headSha, tree, path);
  const out: FolderComparison[] = [];
  for (const f of folders) out.push({ ...f, outcome: await compareFolder(before.tree, afterTree, f.path, render) });
  for (const cell of cells) {
    const label = `${cell.app}/${cell.env}`;
    if (!folders.some((f) => f.cells.includes(label))) out.push({ path: "", cells: [label], outcome: { ok: false, reason: `The environment folder of ${label} is not known to the reader.` } });
  }
  return { status: "rendered", baseSha: row.baseSha, headSha, folders: out };
}

/** Every cell the change alters as recorded with it, else the promotion's target. */
function cellsOf(row: Pick<ChangeRow, "appName" | "toEnv" | "changeSet">): Cell[] {
  const affected = (row.changeSet as { affected?: EnvironmentImpact[] } | null)?.affected;
  if (affected && affected.length > 0) return affected.map((a) => ({ app: a.app, env: a.env }));
  return row.appName && row.toEnv ? [{ app: row.appName, env: row.toEnv }] : [];
}
