import type { Prisma } from "@/lib/db/generated/client";
import { compareVersions, type Drift } from "@/lib/gitops/drift";
import type { Deployment, RepoModel } from "@/lib/gitops/model";
import type { CommitInfo, ScmRepository } from "@/lib/scm/types";
import { stableStringify } from "./stable-json";
import { touches } from "./tree-diff";

interface StoreInput {
  repositoryId: number;
  headSha: string;
  model: RepoModel;
  scm: ScmRepository;
  /** Paths changed since the last synced commit; null = everything is new (first or forced sync). */
  changed: string[] | null;
}

const PROTECTED_BY_DEFAULT = /^(prod|production)([-_].*)?$/;

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
      result.set(`${app}\u0000${cell.env}`, earlier ? compareVersions(earlier.versions, cell.versions) : { state: "unknown", fields: [] });
    });
  }
  return result;
}

/** Writes the model into Team/Environment/App/Deployment rows, touching only rows that changed. */
export async function storeModel(tx: Prisma.TransactionClient, input: StoreInput): Promise<void> {
  const { repositoryId, headSha, model, scm, changed } = input;
  const repo = await tx.repository.findUniqueOrThrow({ where: { id: repositoryId }, select: { team: true } });

  const envIds = new Map<string, number>();
  for (const env of model.environments) {
    const row = await tx.environment.upsert({
      where: { name: env.name },
      create: { name: env.name, order: env.order, protected: env.protected ?? PROTECTED_BY_DEFAULT.test(env.name) },
      update: {},
      select: { id: true },
    });
    envIds.set(env.name, row.id);
  }

  const teamIds = new Map<string, number>();
  const teamNames = new Set([...model.teams.map((t) => t.name), ...model.apps.flatMap((a) => (a.team ? [a.team] : [])), ...(repo.team ? [repo.team] : [])]);
  for (const name of teamNames) {
    const row = await tx.team.upsert({ where: { name }, create: { name }, update: {}, select: { id: true } });
    teamIds.set(name, row.id);
  }

  const existingApps = await tx.app.findMany({
    where: { repositoryId },
    include: { deployments: { include: { environment: { select: { name: true } } } } },
  });
  const existingByName = new Map(existingApps.map((a) => [a.name, a]));
  const wantedApps = new Set(model.apps.map((a) => a.name));
  const gone = existingApps.filter((a) => !wantedApps.has(a.name)).map((a) => a.id);
  if (gone.length) await tx.app.deleteMany({ where: { id: { in: gone } } });

  const drift = driftByCell(model);
  const deploymentsByApp = new Map<string, Deployment[]>();
  for (const d of model.deployments) deploymentsByApp.set(d.app, [...(deploymentsByApp.get(d.app) ?? []), d]);

  // Which cells need their "last changed" commit looked up again.
  const stale: Deployment[] = [];
  for (const d of model.deployments) {
    const existing = existingByName.get(d.app)?.deployments.find((x) => x.environment.name === d.env);
    if (!existing || changed === null || existing.lastCommitSha === null || touches(changed, d.path, d.files)) stale.push(d);
  }
  let lastCommits = new Map<string, CommitInfo>();
  if (stale.length) lastCommits = await scm.lastCommitByPath(headSha, [...new Set(stale.map((d) => d.path))]);

  // Apps: one batched insert for new ones, single updates only where the path or team changed.
  const rowsByName = new Map(existingApps.map((a) => [a.name, a]));
  const teamIdOf = (team: string | null) => (team ? teamIds.get(team) : repo.team ? teamIds.get(repo.team) : undefined) ?? null;
  const newApps = model.apps.filter((a) => !rowsByName.has(a.name));
  if (newApps.length) {
    const created = await tx.app.createManyAndReturn({
      data: newApps.map((a) => ({ repositoryId, name: a.name, path: a.path, teamId: teamIdOf(a.team) })),
      select: { id: true, name: true },
    });
    for (const row of created) rowsByName.set(row.name, { ...row, repositoryId, path: "", teamId: null, searchText: "", deployments: [] });
  }
  for (const app of model.apps) {
    const row = existingByName.get(app.name);
    if (row && (row.path !== app.path || row.teamId !== teamIdOf(app.team))) {
      await tx.app.update({ where: { id: row.id }, data: { path: app.path, teamId: teamIdOf(app.team) } });
    }
  }

  const toCreate: Prisma.DeploymentCreateManyInput[] = [];
  const toDelete: number[] = [];
  for (const app of model.apps) {
    const row = rowsByName.get(app.name);
    if (!row) continue;
    const cells = deploymentsByApp.get(app.name) ?? [];
    const wantedEnvs = new Set(cells.map((c) => c.env));
    toDelete.push(...row.deployments.filter((d) => !wantedEnvs.has(d.environment.name)).map((d) => d.id));

    for (const cell of cells) {
      const environmentId = envIds.get(cell.env);
      if (environmentId === undefined) continue;
      const cellDrift = drift.get(`${cell.app}\u0000${cell.env}`) ?? { state: "unknown", fields: [] };
      const commit = lastCommits.get(cell.path);
      const data = {
        path: cell.path,
        versions: cell.versions as unknown as Prisma.InputJsonValue,
        errors: cell.errors,
        files: cell.files,
        drift: cellDrift.state,
        driftFields: cellDrift.fields as unknown as Prisma.InputJsonValue,
        ...(commit ? { lastCommitSha: commit.sha, lastCommitBy: commit.author, lastCommitAt: commit.date } : {}),
      };
      const existing = row.deployments.find((d) => d.environment.name === cell.env);
      if (!existing) {
        toCreate.push({ ...data, appId: row.id, environmentId });
        continue;
      }
      const changedRow =
        (commit !== undefined && commit.sha !== existing.lastCommitSha) ||
        existing.path !== data.path ||
        existing.drift !== data.drift ||
        stableStringify(existing.versions) !== stableStringify(data.versions) ||
        stableStringify(existing.errors) !== stableStringify(data.errors) ||
        stableStringify(existing.files) !== stableStringify(data.files) ||
        stableStringify(existing.driftFields) !== stableStringify(data.driftFields);
      if (changedRow) await tx.deployment.update({ where: { id: existing.id }, data });
    }
  }
  if (toDelete.length) await tx.deployment.deleteMany({ where: { id: { in: toDelete } } });
  if (toCreate.length) await tx.deployment.createMany({ data: toCreate });

  // One statement refreshes the search text of every app of this repository from its rows, so the
  // matrix search reads one short column per app instead of every deployment's JSON.
  await tx.$executeRaw`
    UPDATE "App" a SET "searchText" = lower(concat_ws(' ', a."name",
      (SELECT t."name" FROM "Team" t WHERE t."id" = a."teamId"),
      (SELECT r."name" FROM "Repository" r WHERE r."id" = a."repositoryId"),
      (SELECT string_agg(concat_ws(' ', v->>'name', v->>'value'), ' ')
         FROM "Deployment" d,
              jsonb_array_elements(CASE WHEN jsonb_typeof(d."versions") = 'array' THEN d."versions" ELSE '[]'::jsonb END) v
        WHERE d."appId" = a."id")))
    WHERE a."repositoryId" = ${repositoryId}`;
}
