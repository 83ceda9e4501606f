import type { PrismaClient } from "@/lib/db/generated/client";
import type { FileTree, RepoModel } from "@/lib/gitops/model";
import { KustomizeBuildCache, readRepository } from "@/lib/gitops/read";
import type { ScmRepository } from "@/lib/scm/types";
import { loadFileTree } from "./load-file-tree";
import { repositoryReadOptions } from "./read-options";

export interface RepositoryAt {
  sha: string;
  tree: FileTree;
  model: RepoModel;
}

/**
 * The repository as it was at `sha`, read with the same reader as a sync: what a cell ran then is what
 * the matrix would have shown. Blobs come from the Blob table where known, so an old commit costs the
 * blobs it does not share with later ones.
 */
export async function readRepositoryAt(prisma: PrismaClient, scm: ScmRepository, sha: string, buildCache = new KustomizeBuildCache()): Promise<RepositoryAt> {
  const entries = await scm.readTree(sha);
  const loaded = await loadFileTree(prisma, scm, entries);
  const blobOf = new Map(entries.map((e) => [e.path, e.blobSha]));
  const model = readRepository(loaded.files, { ...repositoryReadOptions(scm), parseCache: loaded.parseCache, contentKey: (path) => blobOf.get(path), buildCache });
  return { sha, tree: loaded.files, model };
}
