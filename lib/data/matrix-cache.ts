import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getMatrixFromCache, type Matrix } from "./matrix";
import { MemoCache } from "./memo-cache";
import type { MatrixQuery } from "./matrix-query";
import { listRepositoryProblems } from "./repositories";

// A matrix page costs a dozen queries and their assembly; under load the same few pages (page 1, a
// team, a search) are asked for again and again between two syncs. The page without live state depends
// on the cache's contents and the query alone, and the cache version stamps those contents, so pages are
// kept per (version, query) in this process. Nothing in it depends on who asks: what a person may do is
// decided per request from the policy. 64 pages of 30 rows stay under ~20 MB.

/** A matrix page as kept between two moves of the cache version. */
export interface MatrixPage {
  /** Without live state (every `live` null). */
  matrix: Matrix;
  /** Every environment's name in order, shown or not: the filter offers them all. */
  environments: string[];
  /**
   * A stamp of what the page shows from the cache: its rows, environments, teams and which repositories
   * have a sync problem. An open page polls it (/api/v1/matrix/stamp) and re-renders only when it moved,
   * so a promotion of an app on another page does not re-render every open matrix.
   */
  stamp: string;
}

// Next.js bundles route handlers apart from pages, each with its own copy of this module: kept on
// globalThis, the pages the stamp route computes are the ones the page renders, and the other way round
// (else every move of the version computed each open page twice per replica).
const shared = globalThis as typeof globalThis & { __ferryMatrixPages?: { pages: MemoCache<MatrixPage>; version: string | null } };
const kept = (shared.__ferryMatrixPages ??= { pages: new MemoCache<MatrixPage>(64), version: null });

function queryKey(query: MatrixQuery): string {
  return JSON.stringify([query.team, query.app, [...query.envs].sort(), query.q, query.onlyDrift, query.onlyLiveProblems === true, query.page]);
}

async function readPage(prisma: PrismaClient, query: MatrixQuery): Promise<MatrixPage> {
  const [matrix, environments, problems] = await Promise.all([
    getMatrixFromCache(prisma, query),
    prisma.environment.findMany({ orderBy: [{ order: "asc" }, { name: "asc" }], select: { name: true } }),
    listRepositoryProblems(prisma),
  ]);
  const names = environments.map((e) => e.name);
  // A problem's message and time are read per request; whether a repository has one is what moves the version.
  const stamp = createHash("sha256")
    .update(JSON.stringify([matrix, names, problems.map((p) => p.name)]))
    .digest("hex")
    .slice(0, 24);
  return { matrix, environments: names, stamp };
}

/**
 * The matrix page for `query` at cache version `version`, reusing the page read at the same version.
 * `version` must be read before this is called (cacheVersion), so a page is never kept under a version
 * older than its rows. A page filtered to live problems depends on the clusters too: read every time.
 */
export async function getMatrixPageAt(prisma: PrismaClient, query: MatrixQuery, version: string): Promise<MatrixPage> {
  if (query.onlyLiveProblems) return readPage(prisma, query);
  // A new version makes every kept page useless: they go at once rather than one by one.
  if (version !== kept.version) {
    kept.pages.clear();
    kept.version = version;
  }
  return kept.pages.get(`${version}\n${queryKey(query)}`, () => readPage(prisma, query));
}
