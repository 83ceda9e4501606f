import type { PrismaClient } from "@/lib/db/generated/client";
import type { FileTree, RepoModel } from "@/lib/gitops/model";
import { readRepository } from "@/lib/gitops/read";
import { describeSkippedFiles, SKIP_REASON, withSkippedFiles } from "@/lib/gitops/read/skipped-files";
import { cachedContents, sharedParseCache } from "./load-file-tree";
import { repositoryReadOptions, type RepositoryReadOptions } from "./read-options";

export interface CachedRepository {
  id: number;
  name: string;
  headSha: string;
  tree: FileTree;
  model: RepoModel;
  /** What the model was read with; a re-read of the tree with a change applied uses the same. */
  readOptions: RepositoryReadOptions;
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
  const repo = await prisma.repository.findUnique({ where: { name }, select: { id: true, name: true, headSha: true, readErrors: true, defaultBranch: true, url: true } });
  if (!repo?.headSha) return null;
  const known = memo.get(name);
  if (known && known.headSha === repo.headSha && known.id === repo.id) return known;
  const files = await prisma.repositoryFile.findMany({ where: { repositoryId: repo.id }, select: { path: true, blobSha: true } });
  const contents = await cachedContents(prisma, files.map((f) => f.blobSha));
  const tree = new Map<string, string>();
  const shaByPath = new Map<string, string>();
  // Files the sync did not read (symlink, too large, not UTF-8) have no stored content; the sync's
  // read errors say why, so a preview's cell names the reason as the sync's did. The only ones the
  // errors do not list are the binary non-manifests the sync summed up in a note.
  const reasons = new Map(((repo.readErrors as { file?: unknown; message?: unknown }[] | null) ?? []).flatMap((e) => (typeof e.file === "string" && typeof e.message === "string" ? [[e.file, e.message] as const] : [])));
  const skipped = new Map<string, string>();
  for (const f of files) {
    const content = contents.get(f.blobSha);
    if (content === undefined) {
      skipped.set(f.path, reasons.get(f.path) ?? SKIP_REASON.notText);
      continue;
    }
    tree.set(f.path, content);
    shaByPath.set(f.path, f.blobSha);
  }
  const readOptions = repositoryReadOptions(repo);
  const model = readRepository(withSkippedFiles(tree, skipped), { ...readOptions, parseCache: sharedParseCache(), contentKey: (path) => shaByPath.get(path) });
  // As the sync does: a file that could not be read counts for promotions like one that does not parse.
  model.errors.unshift(...describeSkippedFiles(skipped).errors);
  const result = { id: repo.id, name: repo.name, headSha: repo.headSha, tree, model, readOptions };
  memo.set(name, result);
  return result;
}
