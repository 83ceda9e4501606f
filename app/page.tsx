import type { Metadata } from "next";
import { Suspense } from "react";
import { getPrisma } from "@/lib/db/client";
import { authorize, type UserActor } from "@/lib/auth/policy";
import { requireUser } from "@/lib/auth/session";
import { getMatrixPageAt } from "@/lib/data/matrix-cache";
import { withLiveState } from "@/lib/data/matrix";
import { activeFilters, matrixQueryString, parseMatrixQuery } from "@/lib/data/matrix-query";
import { listRepositoryProblems } from "@/lib/data/repositories";
import { liveStateStamp } from "@/lib/data/live-sources";
import { cacheVersion } from "@/lib/data/cache-version";
import { messageFor } from "@/lib/data/server-paths";
import { ActiveFilters, NoMatch } from "@/components/matrix/active-filters";
import { MatrixFilters } from "@/components/matrix/matrix-filters";
import { StampRefresh } from "@/components/matrix/stamp-refresh";
import { MatrixTable } from "@/components/matrix/matrix-table";
import { MatrixPagination } from "@/components/matrix/matrix-pagination";
import { RepositoryProblems } from "@/components/repositories/repository-problems";
import { MatrixSkeleton } from "@/components/matrix/matrix-skeleton";

export const metadata: Metadata = { title: "Matrix" };

/** The teams whose apps `user` may promote, asked of the one policy (admins: all, including apps with no team). */
function promotableTeams(user: UserActor, teams: string[]): string[] | "all" {
  if (authorize(user, "deployment.promote", { team: null }).allowed) return "all";
  return teams.filter((team) => authorize(user, "deployment.promote", { team }).allowed);
}

async function MatrixPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const query = parseMatrixQuery(await searchParams);
  const prisma = getPrisma();
  // The version first: the matrix page is reused from the one computed at this version (matrix-cache.ts).
  const [problems, liveSources, version] = await Promise.all([listRepositoryProblems(prisma), prisma.liveSource.count(), cacheVersion(prisma)]);
  const kept = await getMatrixPageAt(prisma, query, version);
  const matrix = liveSources > 0 ? await withLiveState(prisma, kept.matrix) : kept.matrix;
  const liveStamp = liveSources > 0 ? await liveStateStamp(prisma) : null;
  const allEnvs = kept.environments;
  const filters = activeFilters(query, allEnvs);

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-xl font-semibold">Where everything runs</h1>
        <MatrixFilters query={query} teams={matrix.teams} environments={allEnvs} liveState={liveSources > 0} />
      </div>
      {/* What the clusters report (a stream event stored, a source going stale): every second. */}
      {liveStamp ? <StampRefresh url="/api/v1/live" field="stamp" initial={liveStamp} everyMs={1_000} /> : null}
      {/* The cache, as far as this page shows it: a sync that brought a commit, a change opened, merged or closed. */}
      <StampRefresh url={`/api/v1/matrix/stamp${matrixQueryString(query)}`} field="stamp" initial={kept.stamp} everyMs={3_000} />
      <ActiveFilters filters={filters} />
      <RepositoryProblems problems={problems.map((p) => ({ ...p, syncError: messageFor(user.role, p.syncError) }))} />
      {matrix.rows.length === 0 ? (
        filters.length > 0 ? (
          <NoMatch filters={filters} />
        ) : (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
            {matrix.total === 0
              ? "No apps yet: the repositories have not been synced, or no app folders were recognised. See Repositories."
              : "No apps on this page."}
          </p>
        )
      ) : (
        <MatrixTable matrix={matrix} promotableTeams={promotableTeams(user, matrix.teams)} now={new Date().toISOString()} />
      )}
      <MatrixPagination query={query} total={matrix.total} pageSize={matrix.pageSize} />
    </div>
  );
}

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// The skeleton is this page's own Suspense boundary, not an app-wide loading.tsx: a root loading
// boundary would stream every page, and a page that then calls notFound() could only answer 200.
export default function MatrixRoute(props: PageProps) {
  return (
    <Suspense fallback={<MatrixSkeleton />}>
      <MatrixPage {...props} />
    </Suspense>
  );
}
