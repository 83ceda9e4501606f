import type { PrismaClient } from "@/lib/db/generated/client";
import { getMatrixFromCache, withLiveState, type Matrix } from "./matrix";
import { MemoCache } from "./memo-cache";
import type { MatrixQuery } from "./matrix-query";

// A matrix page costs a dozen queries and their assembly; under load the same few pages (page 1, a
// team, a search) are asked for again and again between two syncs. The page without live state depends
// on the cache's contents and the query alone, and the cache version stamps those contents, so pages are
// kept per (version, query) in this process. Nothing in it depends on who asks: what a person may do is
// decided per request from the policy. 64 pages of 30 rows stay under ~20 MB.
const pages = new MemoCache<Matrix>(64);
let pagesVersion: string | null = null;

function queryKey(query: MatrixQuery): string {
  return JSON.stringify([query.team, query.app, [...query.envs].sort(), query.q, query.onlyDrift, query.onlyLiveProblems === true, query.page]);
}

/**
 * The matrix page for `query`, as getMatrix reads it, reusing the page computed at the same cache
 * version. `version` must be read before this is called (cacheVersion), so a page is never kept under
 * a version older than its rows. `liveSources`: with none, no cell has live state and none is read.
 */
export async function getMatrixAt(prisma: PrismaClient, query: MatrixQuery, version: string, liveSources: number): Promise<Matrix> {
  // Which apps have live problems changes with the clusters, not with the cache version.
  if (query.onlyLiveProblems) return withLiveState(prisma, await getMatrixFromCache(prisma, query));
  // A new version makes every kept page useless: they go at once rather than one by one.
  if (version !== pagesVersion) {
    pages.clear();
    pagesVersion = version;
  }
  const matrix = await pages.get(`${version}\n${queryKey(query)}`, () => getMatrixFromCache(prisma, query));
  return liveSources > 0 ? withLiveState(prisma, matrix) : matrix;
}
