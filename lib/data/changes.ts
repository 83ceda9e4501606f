import { changeLabel } from "@/lib/changes/change-label";
import type { ChangeState, PrismaClient } from "@/lib/db/generated/client";

export interface ChangeSummary {
  id: number;
  kind: string;
  state: ChangeState;
  number: number | null;
  url: string | null;
  title: string;
  /** Portal-wide name: "payments-gitops#12" (GitHub, plain git) or "platform!12" (GitLab). */
  label: string;
  repository: string;
  provider: string;
  reviewState: string | null;
  checksState: string | null;
  /** Its branch no longer merges cleanly into the base; null while unknown. */
  conflict: boolean | null;
  appName: string | null;
  fromEnv: string | null;
  toEnv: string | null;
  author: string | null;
  createdAt: string;
  updatedAt: string;
}

export async function listChanges(prisma: PrismaClient, filter: { state?: ChangeState[] } = {}, limit = 200): Promise<ChangeSummary[]> {
  const rows = await prisma.changeRequest.findMany({
    where: filter.state ? { state: { in: filter.state } } : {},
    orderBy: { updatedAt: "desc" },
    take: limit,
    include: { repository: { select: { name: true, provider: true } } },
  });
  const people = await describeActors(prisma, rows.map((r) => r.authorId));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    state: r.state,
    number: r.number,
    url: r.url,
    title: r.title,
    label: changeLabel({ provider: r.repository.provider, repository: r.repository.name, number: r.number, id: r.id }),
    repository: r.repository.name,
    provider: r.repository.provider,
    reviewState: r.reviewState,
    checksState: r.checksState,
    conflict: r.conflict,
    appName: r.appName,
    fromEnv: r.fromEnv,
    toEnv: r.toEnv,
    author: r.authorId ? (people.get(r.authorId) ?? r.authorId) : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

const TOKEN_ACTOR = /^token:(\d+)$/;

/**
 * Names for the actor ids stored with changes: a user id is the user's name; `token:<id>` (a change
 * opened through the API) is the token's name and who created it, e.g. "payments CI (API token of
 * Alex Admin)". Ids that resolve to nothing are left out, so callers can fall back to the raw id.
 */
export async function describeActors(prisma: PrismaClient, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  const tokenIds = wanted.flatMap((id) => {
    const m = TOKEN_ACTOR.exec(id);
    return m ? [Number(m[1])] : [];
  });
  const tokens = tokenIds.length ? await prisma.apiToken.findMany({ where: { id: { in: tokenIds } }, select: { id: true, name: true, createdById: true } }) : [];
  const userIds = [...new Set([...wanted.filter((id) => !TOKEN_ACTOR.test(id)), ...tokens.flatMap((t) => (t.createdById ? [t.createdById] : []))])];
  const users = new Map(
    (userIds.length ? await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : []).map((u) => [u.id, u.name]),
  );
  const names = new Map<string, string>();
  for (const id of wanted) if (users.has(id)) names.set(id, users.get(id)!);
  for (const t of tokens) {
    const owner = t.createdById ? (users.get(t.createdById) ?? t.createdById) : null;
    names.set(`token:${t.id}`, owner ? `${t.name} (API token of ${owner})` : `${t.name} (API token)`);
  }
  for (const id of tokenIds) if (!names.has(`token:${id}`)) names.set(`token:${id}`, `API token ${id} (deleted)`);
  return names;
}

export interface ChangeDetail {
  id: number;
  label: string;
  title: string;
  body: string;
  kind: string;
  state: ChangeState;
  reviewState: string | null;
  checksState: string | null;
  url: string | null;
  branch: string;
  baseBranch: string;
  baseSha: string;
  headSha: string | null;
  repository: { id: number; name: string; provider: string; team: string | null; url: string };
  appName: string | null;
  fromEnv: string | null;
  toEnv: string | null;
  authorId: string | null;
  /** The author's name; an API token as "<token> (API token of <owner>)". */
  author: string | null;
  createdAt: string;
  changeSet: unknown;
  /** Set once merged: who (null when merged on the forge and not through Ferry), when, and the commit that reached the base branch. */
  merged: { by: string | null; at: string | null; commitSha: string | null } | null;
  closed: { by: string | null; at: string | null } | null;
  /** Its branch no longer merges cleanly into the base; null while unknown. */
  conflict: boolean | null;
  /** Ferry last rewrote its branch on this base commit, for this person, then. */
  replanned: { sha: string; by: string | null; at: string | null } | null;
  /** The base branch's head as last synced, when it is not the commit the change was planned on (open changes only). */
  baseMovedTo: string | null;
}

/** Everything the change page shows, or null when there is no such change. */
export async function getChangeDetail(prisma: PrismaClient, id: number): Promise<ChangeDetail | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const r = await prisma.changeRequest.findUnique({
    where: { id },
    include: { repository: { select: { id: true, name: true, team: true, provider: true, url: true, defaultBranch: true, headSha: true } } },
  });
  if (!r) return null;
  const people = await describeActors(prisma, [r.authorId, r.mergedById, r.closedById, r.replannedById]);
  const name = (actor: string | null) => (actor ? (people.get(actor) ?? actor) : null);
  return {
    id: r.id,
    label: changeLabel({ provider: r.repository.provider, repository: r.repository.name, number: r.number, id: r.id }),
    title: r.title,
    body: r.body,
    kind: r.kind,
    state: r.state,
    reviewState: r.reviewState,
    checksState: r.checksState,
    url: r.url,
    branch: r.branch,
    baseBranch: r.baseBranch ?? r.repository.defaultBranch,
    baseSha: r.baseSha,
    headSha: r.headSha,
    repository: { id: r.repository.id, name: r.repository.name, provider: r.repository.provider, team: r.repository.team, url: r.repository.url },
    appName: r.appName,
    fromEnv: r.fromEnv,
    toEnv: r.toEnv,
    authorId: r.authorId,
    author: name(r.authorId),
    createdAt: r.createdAt.toISOString(),
    changeSet: r.changeSet,
    merged: r.state === "MERGED" ? { by: name(r.mergedById), at: r.mergedAt?.toISOString() ?? null, commitSha: r.mergeCommitSha } : null,
    closed: r.state === "CLOSED" ? { by: name(r.closedById), at: r.closedAt?.toISOString() ?? null } : null,
    conflict: r.conflict,
    replanned: r.replannedOnSha ? { sha: r.replannedOnSha, by: name(r.replannedById), at: r.replannedAt?.toISOString() ?? null } : null,
    baseMovedTo: (r.state === "OPEN" || r.state === "DRAFT") && r.repository.headSha && r.repository.headSha !== r.baseSha ? r.repository.headSha : null,
  };
}
