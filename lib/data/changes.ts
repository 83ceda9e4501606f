import { changeLabel } from "@/lib/changes/change-label";
import type { ChangeState, PrismaClient } from "@/lib/db/generated/client";

export interface ChangeSummary {
  id: number;
  kind: string;
  state: ChangeState;
  number: number | null;
  url: string | null;
  title: string;
  /** "PR #12", "MR !12" or "change #12". */
  label: string;
  repository: string;
  provider: string;
  reviewState: string | null;
  checksState: string | null;
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
  const authorIds = [...new Set(rows.flatMap((r) => (r.authorId ? [r.authorId] : [])))];
  const authors = new Map((await prisma.user.findMany({ where: { id: { in: authorIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    state: r.state,
    number: r.number,
    url: r.url,
    title: r.title,
    label: changeLabel(r.repository.provider, r.number, r.id),
    repository: r.repository.name,
    provider: r.repository.provider,
    reviewState: r.reviewState,
    checksState: r.checksState,
    appName: r.appName,
    fromEnv: r.fromEnv,
    toEnv: r.toEnv,
    author: r.authorId ? (authors.get(r.authorId) ?? r.authorId) : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}
