import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { planPromotionAt } from "@/lib/changes/preview-promotion";
import type { PromotionRequest } from "@/lib/changes/promotion-request";
import { rollbackContext } from "@/lib/changes/rollback";
import { applyChangeSet } from "@/lib/gitops/impact";
import type { FileTree } from "@/lib/gitops/model";
import { readRepository } from "@/lib/gitops/read";
import { readCachedRepository } from "@/lib/sync/cached-repository";
import type { RenderedChange } from "./change-render";
import { compareFolder, foldersOf, type FolderComparison } from "./compare-trees";
import { renderFolderCached } from "./folder-cache";

// The promote dialog's rendered diff: the plan made again on the cached head (what the dialog just
// previewed), its edits applied to the tree, both sides rendered. The after side is no commit yet, so it
// is keyed by the head and a hash of the planned diff.

export async function renderedPromotionPreview(prisma: PrismaClient, request: PromotionRequest): Promise<RenderedChange> {
  const repo = await readCachedRepository(prisma, request.repository);
  if (!repo) throw new DomainError(`Repository ${request.repository} is unknown or has not been synced yet.`);
  const plan = planPromotionAt(repo, request, { context: await rollbackContext(prisma, request) });
  if (plan.status !== "changes") return { status: "none", reason: "There is no planned change to render." };
  const after = applyChangeSet(repo.tree, plan.changeSet);
  const cells = plan.affected?.length ? plan.affected.map((a) => ({ app: a.app, env: a.env })) : [{ app: request.app, env: request.to }];
  const missing = cells.some((c) => !repo.model.deployments.some((d) => d.app === c.app && d.env === c.env));
  const folders = foldersOf(cells, repo.model, missing ? readRepository(after, repo.readOptions) : null);
  const afterKey = `${repo.headSha}+${createHash("sha256").update(plan.changeSet.diff).digest("hex").slice(0, 16)}`;
  const render = (side: "before" | "after", tree: FileTree, path: string) => renderFolderCached(repo.id, side === "before" ? repo.headSha : afterKey, tree, path);
  const out: FolderComparison[] = [];
  for (const f of folders) out.push({ ...f, outcome: await compareFolder(repo.tree, after, f.path, render) });
  return { status: "rendered", baseSha: repo.headSha, headSha: afterKey, folders: out };
}
