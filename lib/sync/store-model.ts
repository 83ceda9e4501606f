import type { Prisma } from "@/lib/db/generated/client";
import { compareVersions, type Drift } from "@/lib/gitops/drift";
import type { Deployment, RepoModel } from "@/lib/gitops/model";
import type { CommitInfo, ScmRepository } from "@/lib/scm/types";
import { cellHistoryPaths } from "./history-paths";
import { stableStringify } from "./stable-json";
import { touches } from "./tree-diff";

/** What this process last wrote for a repository: a fingerprint per cell, valid at `headSha`. */
export interface StoredCells {
  headSha: string;
  fingerprints: Map<string, string>;
}

interface StoreInput {
  repositoryId: number;
  headSha: string;
  model: RepoModel;
  scm: ScmRepository;
  /** Paths changed since the last synced commit; null = everything is new (first or forced sync). */
  changed: string[] | null;
  /**
   * This process's record of the rows as they are in the database (only passed when it is known to
   * be current: written at the head the database still holds). With it, a one-file commit touches
   * only the cells whose content changed instead of reading and comparing every row.
   */
  previous: StoredCells | null;
}

const PROTECTED_BY_DEFAULT = /^(prod|production)([-_].*)?$/;
const cellKey = (app: string, env: string) => `${app}\u0000${env}`;

/** Drift of every deployment against the previous environment of the same app in promotion order. */
export function driftByCell(model: RepoModel): Map<string, Drift> {
  const order = new Map(model.environments.map((e) => [e.name, e.order]));
  const byApp = new Map<string, Deployment[]>();
  for (const d of model.deployments) byApp.set(d.app, [...(byApp.get(d.app) ?? []), d]);
  const result = new Map<string, Drift>();
  for (const [app, cells] of byApp) {
    const sorted = [...cells].sort((a, b) => (order.get(a.env) ?? 99) - (order.get(b.env) ?? 99) || a.env.localeCompare(b.env));
    sorted.forEach((cell, i) => {
      const prev = i > 0 ? sorted[i - 1] : undefined;
      // Regions of one stage (prod-eu, prod-us) share a rank: compare with the last earlier stage.
      const earlier = [...sorted.slice(0, i)].reverse().find((c) => (order.get(c.env) ?? 99) < (order.get(cell.env) ?? 99)) ?? prev;
      result.set(cellKey(app, cell.env), earlier ? compareVersions(earlier.versions, cell.versions) : { state: "unknown", fields: [] });
    });
  }
  return result;
}

/** What a cell's row holds apart from its keys and its last commit. */
interface CellData {
  path: string;
  versions: Prisma.InputJsonValue;
  errors: string[];
  files: string[];
  drift: string;
  driftFields: Prisma.InputJsonValue;
}

type NewDeployment = CellData & { appId: number; environmentId: number; lastCommitSha?: string; lastCommitBy?: string; lastCommitAt?: Date };

/**
 * All new Deployment rows in one statement with one JSON parameter. A first sync creates thousands;
 * Prisma's createMany spent more CPU building that query than Postgres spent running it.
 */
async function insertDeployments(tx: Prisma.TransactionClient, rows: NewDeployment[]): Promise<void> {
  const json = JSON.stringify(rows.map((r) => ({ ...r, lastCommitAt: r.lastCommitAt?.toISOString() ?? null })));
  await tx.$executeRaw`
    INSERT INTO "Deployment" ("appId", "environmentId", "path", "versions", "errors", "files", "drift", "driftFields", "lastCommitSha", "lastCommitBy", "lastCommitAt")
    SELECT x."appId", x."environmentId", x."path", x."versions", x."errors", ARRAY(SELECT jsonb_array_elements_text(x."files")),
           x."drift", x."driftFields", x."lastCommitSha", x."lastCommitBy", x."lastCommitAt"
      FROM jsonb_to_recordset(${json}::jsonb) AS x("appId" int, "environmentId" int, "path" text, "versions" jsonb, "errors" jsonb, "files" jsonb,
           "drift" text, "driftFields" jsonb, "lastCommitSha" text, "lastCommitBy" text, "lastCommitAt" timestamp(3))`;
}

/** Ids of `names` in a table keyed by unique name, creating the missing ones in one statement. */
async function idsByName(
  find: (names: string[]) => Promise<{ id: number; name: string }[]>,
  create: (names: string[]) => Promise<unknown>,
  names: string[],
): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  let rows = await find(names);
  const missing = names.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) {
    await create(missing);
    rows = await find(names);
  }
  return new Map(rows.map((r) => [r.name, r.id]));
}

/**
 * Writes the model into Team/Environment/App/Deployment rows, touching only rows that changed, and
 * returns the fingerprints of what the rows now hold (for the next incremental sync).
 */
export async function storeModel(tx: Prisma.TransactionClient, input: StoreInput): Promise<StoredCells> {
  const { repositoryId, headSha, model, scm, changed, previous } = input;
  const repo = await tx.repository.findUniqueOrThrow({ where: { id: repositoryId }, select: { team: true, protectedEnvironments: true } });

  const envByName = new Map(model.environments.map((e) => [e.name, e]));
  const protectedNames = new Set(protectedEnvironmentNames(model));
  const envIds = await idsByName(
    (names) => tx.environment.findMany({ where: { name: { in: names } }, select: { id: true, name: true } }),
    (names) =>
      tx.environment.createMany({
        data: names.map((name) => ({ name, order: envByName.get(name)?.order ?? 99, protected: protectedNames.has(name) })),
        skipDuplicates: true,
      }),
    [...envByName.keys()],
  );
  const teamNames = new Set([...model.teams.map((t) => t.name), ...model.apps.flatMap((a) => (a.team ? [a.team] : [])), ...(repo.team ? [repo.team] : [])]);
  const teamIds = await idsByName(
    (names) => tx.team.findMany({ where: { name: { in: names } }, select: { id: true, name: true } }),
    (names) => tx.team.createMany({ data: names.map((name) => ({ name })), skipDuplicates: true }),
    [...teamNames],
  );
  const teamIdOf = (team: string | null) => (team ? teamIds.get(team) : repo.team ? teamIds.get(repo.team) : undefined) ?? null;

  // Apps: removed ones go (with their cells), new ones are inserted in one statement.
  const existingApps = await tx.app.findMany({ where: { repositoryId }, select: { id: true, name: true, path: true, teamId: true } });
  const wantedApps = new Set(model.apps.map((a) => a.name));
  const gone = existingApps.filter((a) => !wantedApps.has(a.name)).map((a) => a.id);
  // Environments whose cells this sync removes: one no repository has any more goes at the end.
  const emptiedEnvIds = new Set<number>();
  if (gone.length) {
    for (const d of await tx.deployment.findMany({ where: { appId: { in: gone } }, select: { environmentId: true }, distinct: ["environmentId"] })) emptiedEnvIds.add(d.environmentId);
    await tx.app.deleteMany({ where: { id: { in: gone } } });
  }
  const appIds = new Map(existingApps.filter((a) => wantedApps.has(a.name)).map((a) => [a.name, a.id]));
  const changedApps = new Set<number>();
  const newApps = model.apps.filter((a) => !appIds.has(a.name));
  if (newApps.length) {
    const rows = newApps.map((a) => ({ name: a.name, path: a.path, teamId: teamIdOf(a.team) }));
    const created = await tx.$queryRaw<{ id: number; name: string }[]>`
      INSERT INTO "App" ("repositoryId", "name", "path", "teamId")
      SELECT ${repositoryId}, x."name", x."path", x."teamId"
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x("name" text, "path" text, "teamId" int)
      RETURNING "id", "name"`;
    for (const row of created) {
      appIds.set(row.name, row.id);
      changedApps.add(row.id);
    }
  }
  for (const app of model.apps) {
    const row = existingApps.find((a) => a.name === app.name);
    if (row && (row.path !== app.path || row.teamId !== teamIdOf(app.team))) {
      await tx.app.update({ where: { id: row.id }, data: { path: app.path, teamId: teamIdOf(app.team) } });
      changedApps.add(row.id);
    }
  }

  // Cells: what each row must hold, and a fingerprint of it.
  const drift = driftByCell(model);
  const wanted = new Map<string, { cell: Deployment; data: CellData; fingerprint: string }>();
  for (const cell of model.deployments) {
    const cellDrift = drift.get(cellKey(cell.app, cell.env)) ?? { state: "unknown", fields: [] };
    const data: CellData = {
      path: cell.path,
      versions: cell.versions as unknown as Prisma.InputJsonValue,
      errors: cell.errors,
      files: cell.files,
      drift: cellDrift.state,
      driftFields: cellDrift.fields as unknown as Prisma.InputJsonValue,
    };
    // Plain JSON is enough to compare with what this process built last time (the same reader code
    // builds equal cells with equal key order; if not, the cell is merely compared with its row).
    // A row read back from jsonb has its keys in Postgres's order: that comparison uses stableStringify.
    wanted.set(cellKey(cell.app, cell.env), { cell, data, fingerprint: JSON.stringify(data) });
  }

  // Which cells may differ from their rows: with a current record, only those whose fingerprint
  // changed or whose files a commit touched (their "last changed" moves); otherwise all.
  // A folder several cells share (a global env folder, a folder every cluster reconciles) changes
  // for all of them with any file: such a cell's "last changed" is that of the files holding its versions.
  const cellsPerPath = new Map<string, number>();
  for (const w of wanted.values()) cellsPerPath.set(w.cell.path, (cellsPerPath.get(w.cell.path) ?? 0) + 1);
  const historyPaths = (cell: Deployment): string[] => cellHistoryPaths(cell, cellsPerPath.get(cell.path) ?? 0);
  const touched = (cell: Deployment): boolean => {
    if (changed === null) return true;
    const paths = historyPaths(cell);
    return paths.length === 1 && paths[0] === cell.path ? touches(changed, cell.path, cell.files) : changed.some((p) => paths.includes(p));
  };
  const candidates = new Set<string>();
  for (const [key, w] of wanted) {
    if (!previous || changed === null || previous.fingerprints.get(key) !== w.fingerprint || touched(w.cell)) candidates.add(key);
  }
  const staleKeys = previous ? [...previous.fingerprints.keys()].filter((k) => !wanted.has(k)) : [];
  const candidateApps = new Set([...candidates, ...staleKeys].map((k) => appIds.get(k.split("\u0000")[0]!)).filter((id): id is number => id !== undefined));

  const rows = await tx.deployment.findMany({
    where: previous ? { appId: { in: [...candidateApps] } } : { app: { repositoryId } },
    select: {
      id: true, appId: true, environmentId: true, path: true, versions: true, errors: true, files: true, drift: true, driftFields: true, lastCommitSha: true,
      app: { select: { name: true } }, environment: { select: { name: true } },
    },
  });
  const rowByKey = new Map(rows.map((r) => [cellKey(r.app.name, r.environment.name), r]));

  // Rows of cells that no longer exist (the whole app may remain).
  const toDelete = rows.filter((r) => !wanted.has(cellKey(r.app.name, r.environment.name))).map((r) => r.id);
  if (toDelete.length) {
    await tx.deployment.deleteMany({ where: { id: { in: toDelete } } });
    for (const r of rows) {
      if (!toDelete.includes(r.id)) continue;
      changedApps.add(r.appId);
      emptiedEnvIds.add(r.environmentId);
    }
  }

  // Only cells whose files changed need their "last changed" commit looked up again (one walk).
  const needCommit = [...candidates].map((k) => wanted.get(k)!).filter((w) => {
    const row = rowByKey.get(cellKey(w.cell.app, w.cell.env));
    return !row || changed === null || row.lastCommitSha === null || touched(w.cell);
  });
  const lastCommits: Map<string, CommitInfo> = needCommit.length ? await scm.lastCommitByPath(headSha, [...new Set(needCommit.flatMap((w) => historyPaths(w.cell)))]) : new Map();
  const lastCommitOf = (cell: Deployment): CommitInfo | undefined =>
    historyPaths(cell)
      .map((p) => lastCommits.get(p))
      .filter((c): c is CommitInfo => c !== undefined)
      .sort((a, b) => b.date.getTime() - a.date.getTime())[0];

  const toCreate: NewDeployment[] = [];
  for (const key of candidates) {
    const w = wanted.get(key)!;
    const appId = appIds.get(w.cell.app);
    const environmentId = envIds.get(w.cell.env);
    if (appId === undefined || environmentId === undefined) continue;
    const commit = lastCommitOf(w.cell);
    const data = { ...w.data, ...(commit ? { lastCommitSha: commit.sha, lastCommitBy: commit.author, lastCommitAt: commit.date } : {}) };
    const row = rowByKey.get(key);
    if (!row) {
      toCreate.push({ ...data, appId, environmentId });
      changedApps.add(appId);
      continue;
    }
    const stored = stableStringify({ path: row.path, versions: row.versions, errors: row.errors, files: row.files, drift: row.drift, driftFields: row.driftFields });
    if (stored !== stableStringify(w.data) || (commit !== undefined && commit.sha !== row.lastCommitSha)) {
      await tx.deployment.update({ where: { id: row.id }, data });
      changedApps.add(appId);
    }
  }
  if (toCreate.length) await insertDeployments(tx, toCreate);

  // The search text of changed apps, from their rows: the matrix search reads one short column per app.
  if (changedApps.size) {
    await tx.$executeRaw`
      UPDATE "App" a SET "searchText" = lower(concat_ws(' ', a."name",
        (SELECT t."name" FROM "Team" t WHERE t."id" = a."teamId"),
        (SELECT r."name" FROM "Repository" r WHERE r."id" = a."repositoryId"),
        (SELECT string_agg(concat_ws(' ', v->>'name', v->>'value'), ' ')
           FROM "Deployment" d,
                jsonb_array_elements(CASE WHEN jsonb_typeof(d."versions") = 'array' THEN d."versions" ELSE '[]'::jsonb END) v
          WHERE d."appId" = a."id")))
      WHERE a."id" = ANY(${[...changedApps]}::int[])`;
  }

  await dropEnvironmentsNoOneHas(tx, [...emptiedEnvIds].filter((id) => ![...envIds.values()].includes(id)));
  await storeProtection(tx, repositoryId, repo.protectedEnvironments, [...protectedNames], [...envByName.keys()]);

  return { headSha, fingerprints: new Map([...wanted].map(([k, w]) => [k, w.fingerprint])) };
}

/** The environments a repository protects: those its config marks `protected: true`, and every prod* name. */
export function protectedEnvironmentNames(model: RepoModel): string[] {
  return model.environments.filter((e) => e.protected === true || PROTECTED_BY_DEFAULT.test(e.name)).map((e) => e.name).sort();
}

/**
 * Records which environments this repository protects and, when that changed, sets each affected
 * Environment's `protected` to whether ANY repository protects it. Environments are shared by name
 * across repositories; when they disagree the stricter one wins, so no repository can lift another's
 * protection (and adding `protected: true` to a repository's config takes effect at its next sync).
 * The rows are locked (in id order; FOR NO KEY UPDATE does not wait for other syncs' new cells) before
 * the lists are read, so two syncs changing protection at once leave the result of both.
 */
async function storeProtection(tx: Prisma.TransactionClient, repositoryId: number, before: string[], after: string[], modelNames: string[]): Promise<void> {
  const names = [...new Set([...before, ...after, ...modelNames])];
  if (before.length === after.length && before.every((name, i) => name === after[i])) {
    // Unchanged list: only an environment out of step (re-created by another repository after it was
    // emptied, or written before protection was per repository) needs the locked update below.
    const stale = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Environment" e WHERE e."name" = ANY(${names}::text[])
      AND e."protected" IS DISTINCT FROM EXISTS (SELECT 1 FROM "Repository" r WHERE e."name" = ANY(r."protectedEnvironments"))`;
    if ((stale[0]?.n ?? 0) === 0) return;
  } else {
    await tx.repository.update({ where: { id: repositoryId }, data: { protectedEnvironments: after } });
  }
  await tx.$queryRaw`SELECT "id" FROM "Environment" WHERE "name" = ANY(${names}::text[]) ORDER BY "id" FOR NO KEY UPDATE`;
  await tx.$executeRaw`UPDATE "Environment" e SET "protected" = x."protected"
      FROM (SELECT e2."id", EXISTS (SELECT 1 FROM "Repository" r WHERE e2."name" = ANY(r."protectedEnvironments")) AS "protected"
              FROM "Environment" e2 WHERE e2."name" = ANY(${names}::text[])) x
     WHERE e."id" = x."id" AND e."protected" IS DISTINCT FROM x."protected"`;
}

/**
 * Deletes those of `ids` that no repository has a cell in any more (environments are shared by all
 * repositories; the current model's own, even without cells, are never passed). The rows are locked
 * first, so the check runs after any sync that is adding cells to them has committed, and such a
 * sync cannot add one between the check and the delete.
 */
async function dropEnvironmentsNoOneHas(tx: Prisma.TransactionClient, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.$queryRaw`SELECT "id" FROM "Environment" WHERE "id" = ANY(${ids}::int[]) ORDER BY "id" FOR UPDATE`;
  await tx.$executeRaw`DELETE FROM "Environment" e WHERE e."id" = ANY(${ids}::int[])
    AND NOT EXISTS (SELECT 1 FROM "Deployment" d WHERE d."environmentId" = e."id")`;
}
