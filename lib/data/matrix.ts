import { storedBulkCells } from "@/lib/changes/bulk-cells";
import { changeLabel } from "@/lib/changes/change-label";
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import type { DriftState, FieldDrift } from "@/lib/gitops/drift";
import type { Version } from "@/lib/gitops/model";
import type { CellLive } from "@/lib/live/cell-live";
import { pinView, type RollbackPinView } from "./cell-history";
import { getLiveCells, liveCellKey } from "./live-cells";
import type { MatrixQuery } from "./matrix-query";

export interface MatrixEnvironment {
  name: string;
  order: number;
  protected: boolean;
}

export interface MatrixCell {
  env: string;
  versions: Pick<Version, "kind" | "name" | "value" | "floating" | "digest">[];
  errors: string[];
  drift: DriftState;
  driftFields: FieldDrift[];
  previousEnv: string | null;
  lastCommit: { sha: string; by: string | null; at: string | null } | null;
  /** `conflict`: its branch no longer merges cleanly (the base moved under its files). */
  openChange: { id: number; label: string; url: string | null; conflict: boolean } | null;
  /** What the cluster runs, where a live-state source reports this cell; null otherwise. */
  live: CellLive | null;
  /** Held at a version by a rollback: promotions into it ask first. */
  pin: RollbackPinView | null;
}

export interface MatrixRow {
  appId: number;
  app: string;
  team: string | null;
  repository: string;
  cells: Record<string, MatrixCell>;
}

export interface Matrix {
  environments: MatrixEnvironment[];
  rows: MatrixRow[];
  total: number;
  page: number;
  pageSize: number;
  teams: string[];
}

/** Apps per page: 30 apps × 6 environments keeps the first page well under 300 KB of HTML. */
export const PAGE_SIZE = 30;

const DRIFTING: DriftState[] = ["behind", "ahead", "differs"];

/** One page of the matrix, read from the cache only (never from a forge). */
export async function getMatrix(prisma: PrismaClient, query: MatrixQuery): Promise<Matrix> {
  return withLiveState(prisma, await getMatrixFromCache(prisma, query));
}

/**
 * The page without live state (every `live` null): a function of the cache's contents alone, which
 * the cache version stamps, so it may be kept until the version moves (matrix-cache.ts). Live state
 * also depends on the clock (a silent source turns stale), so it is added per request.
 */
export async function getMatrixFromCache(prisma: PrismaClient, query: MatrixQuery): Promise<Matrix> {
  const [environments, teams] = await Promise.all([
    prisma.environment.findMany({ orderBy: [{ order: "asc" }, { name: "asc" }], select: { name: true, order: true, protected: true } }),
    prisma.team.findMany({ orderBy: { name: "asc" }, select: { name: true } }),
  ]);
  const shownEnvs = query.envs.length ? environments.filter((e) => query.envs.includes(e.name)) : environments;

  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (query.team) conditions.push(Prisma.sql`t."name" = ${query.team}`);
  if (query.app) conditions.push(Prisma.sql`a."name" = ${query.app}`);
  if (query.q) {
    const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(Prisma.sql`a."searchText" LIKE ${like}`);
  }
  if (query.envs.length) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Deployment" d JOIN "Environment" e ON e."id" = d."environmentId"
      WHERE d."appId" = a."id" AND e."name" IN (${Prisma.join(query.envs)}))`);
  }
  if (query.onlyDrift) {
    const envFilter = query.envs.length ? Prisma.sql`AND e."name" IN (${Prisma.join(query.envs)})` : Prisma.empty;
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Deployment" d JOIN "Environment" e ON e."id" = d."environmentId"
      WHERE d."appId" = a."id" AND d."drift" IN (${Prisma.join(DRIFTING)}) ${envFilter})`);
  }
  if (query.onlyLiveProblems) {
    const envFilter = query.envs.length ? Prisma.sql`AND l."env" IN (${Prisma.join(query.envs)})` : Prisma.empty;
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "LiveApplication" l
      WHERE l."repository" = r."name" AND l."app" = a."name" AND (l."sync" NOT IN ('Synced', 'Ready') OR l."health" <> 'Healthy') ${envFilter})`);
  }
  const where = Prisma.join(conditions, " AND ");
  const from = Prisma.sql`FROM "App" a JOIN "Repository" r ON r."id" = a."repositoryId" LEFT JOIN "Team" t ON t."id" = a."teamId"`;

  const page = Math.max(1, query.page);
  const [countRows, idRows] = await Promise.all([
    prisma.$queryRaw<{ count: bigint }[]>`SELECT COUNT(*) AS count ${from} WHERE ${where}`,
    prisma.$queryRaw<{ id: number }[]>`SELECT a."id" ${from} WHERE ${where}
      ORDER BY t."name" ASC NULLS LAST, a."name" ASC, r."name" ASC LIMIT ${PAGE_SIZE} OFFSET ${(page - 1) * PAGE_SIZE}`,
  ]);
  const ids = idRows.map((r) => r.id);

  const [apps, openChanges, bulkChanges] = await Promise.all([
    prisma.app.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        name: true,
        repositoryId: true,
        team: { select: { name: true } },
        repository: { select: { name: true } },
        deployments: {
          select: {
            path: true,
            versions: true,
            errors: true,
            drift: true,
            driftFields: true,
            lastCommitSha: true,
            lastCommitBy: true,
            lastCommitAt: true,
            environment: { select: { name: true } },
          },
        },
        rollbackPins: { include: { environment: { select: { name: true } } } },
      },
    }),
    prisma.changeRequest.findMany({
      where: { state: { in: ["OPEN", "DRAFT"] }, appName: { not: null }, toEnv: { not: null } },
      select: { id: true, number: true, url: true, appName: true, toEnv: true, repositoryId: true, conflict: true, repository: { select: { provider: true, name: true } } },
    }),
    prisma.changeRequest.findMany({
      where: { state: { in: ["OPEN", "DRAFT"] }, kind: "PROMOTION", appName: null },
      select: { id: true, number: true, url: true, repositoryId: true, conflict: true, changeSet: true, repository: { select: { provider: true, name: true } } },
    }),
  ]);
  const openByCell = new Map(openChanges.map((c) => [`${c.repositoryId}/${c.appName}/${c.toEnv}`, c]));
  // A bulk promotion has no one app: the cells it holds are listed in its stored change set.
  for (const c of bulkChanges) for (const cell of storedBulkCells(c.changeSet)) openByCell.set(`${c.repositoryId}/${cell.app}/${cell.to}`, { ...c, appName: cell.app, toEnv: cell.to });
  const envOrder = new Map(environments.map((e) => [e.name, e.order]));
  const byId = new Map(apps.map((a) => [a.id, a]));

  const rows: MatrixRow[] = ids.flatMap((id) => {
    const app = byId.get(id);
    if (!app) return [];
    const present = app.deployments.map((d) => d.environment.name).sort((a, b) => (envOrder.get(a) ?? 99) - (envOrder.get(b) ?? 99));
    const cells: Record<string, MatrixCell> = {};
    for (const d of app.deployments) {
      const env = d.environment.name;
      const rank = envOrder.get(env) ?? 99;
      const previousEnv = [...present].reverse().find((e) => (envOrder.get(e) ?? 99) < rank) ?? null;
      const change = openByCell.get(`${app.repositoryId}/${app.name}/${env}`);
      cells[env] = {
        env,
        // A digest only when there is one: an absent key costs nothing in the page's payload.
        versions: (d.versions as unknown as Version[]).map(({ kind, name, value, floating, digest }) => ({ kind, name, value, floating, ...(digest ? { digest } : {}) })),
        errors: d.errors as string[],
        drift: (d.drift as DriftState | null) ?? "unknown",
        driftFields: (d.driftFields as FieldDrift[] | null) ?? [],
        previousEnv,
        lastCommit: d.lastCommitSha ? { sha: d.lastCommitSha.slice(0, 12), by: d.lastCommitBy, at: d.lastCommitAt?.toISOString() ?? null } : null,
        openChange: change
          ? { id: change.id, label: changeLabel({ provider: change.repository.provider, repository: change.repository.name, number: change.number, id: change.id }), url: change.url, conflict: change.conflict === true }
          : null,
        live: null,
        pin: pinView(app.rollbackPins.find((p) => p.environment.name === env)),
      };
    }
    return [{ appId: app.id, app: app.name, team: app.team?.name ?? null, repository: app.repository.name, cells }];
  });

  return { environments: shownEnvs, rows, total: Number(countRows[0]?.count ?? 0), page, pageSize: PAGE_SIZE, teams: teams.map((t) => t.name) };
}

/** `matrix` with each cell's live state, as a new object: `matrix` may be shared by other requests and stays as it is. */
export async function withLiveState(prisma: PrismaClient, matrix: Matrix): Promise<Matrix> {
  const live = await getLiveCells(
    prisma,
    matrix.rows.flatMap((r) => Object.values(r.cells).map((c) => ({ repository: r.repository, app: r.app, env: c.env, versions: c.versions, lastCommitSha: c.lastCommit?.sha ?? null }))),
  );
  if (live.size === 0) return matrix;
  const rows = matrix.rows.map((r) => ({
    ...r,
    cells: Object.fromEntries(Object.entries(r.cells).map(([env, c]) => [env, { ...c, live: live.get(liveCellKey(r.repository, r.app, c.env)) ?? null }])),
  }));
  return { ...matrix, rows };
}
