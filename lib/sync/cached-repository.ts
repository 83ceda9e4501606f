import type { PrismaClient } from "@/lib/db/generated/client";
import type { FileTree, RepoModel } from "@/lib/gitops/model";
import { readRepository } from "@/lib/gitops/read";
import { cachedContents, sharedParseCache } from "./load-file-tree";

export interface CachedRepository {
  id: number;
  name: string;
  headSha: string;
  tree: FileTree;
  model: RepoModel;
}

// The last repository read per name, valid while the database's head is the same commit: a preview
// then costs one query instead of loading and re-reading every file.
const memo = new Map<string, CachedRepository>();

/** Called by the sync after it committed a new head, so previews start from the model it just read. */
export function rememberRepository(repo: CachedRepository): void {
  memo.set(repo.name, repo);
}

/**
 * A repository as the cache holds it at its last synced head: file tree and model, with no forge
 * call. Callers that are about to write (promotions) sync first so the head is current.
 */
export async function readCachedRepository(prisma: PrismaClient, name: string): Promise<CachedRepository | null> {
  const repo = await prisma.repository.findUnique({ where: { name }, select: { id: true, name: true, headSha: true } });
  if (!repo?.headSha) return null;
  const known = memo.get(name);
  if (known && known.headSha === repo.headSha && known.id === repo.id) return known;
  const files = await prisma.repositoryFile.findMany({ where: { repositoryId: repo.id }, select: { path: true, blobSha: true } });
  const contents = await cachedContents(prisma, files.map((f) => f.blobSha));
  const tree = new Map<string, string>();
  const shaByPath = new Map<string, string>();
  for (const f of files) {
    const content = contents.get(f.blobSha);
    if (content === undefined) continue;
    tree.set(f.path, content);
    shaByPath.set(f.path, f.blobSha);
  }
  const model = readRepository(tree, { parseCache: sharedParseCache(), contentKey: (path) => shaByPath.get(path) });
  const result = { id: repo.id, name: repo.name, headSha: repo.headSha, tree, model };
  memo.set(name, result);
  return result;
}
