import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { authorize } from "@/lib/auth/policy";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import type { StoredChangeSet } from "@/lib/changes/open-promotion";
import { changeLabel } from "@/lib/changes/change-label";
import { DiffView } from "@/components/changes/diff-view";
import { ReviewButtons } from "@/components/changes/review-buttons";
import { PlanSummary } from "@/components/promote/plan-summary";
import { relativeTime } from "@/components/matrix/relative-time";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Change ${(await params).id}` };
}

export default async function ChangePage({ params }: { params: Params }) {
  const user = await requireUser();
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const prisma = getPrisma();
  const change = await prisma.changeRequest.findUnique({ where: { id }, include: { repository: { select: { name: true, team: true, provider: true } } } });
  if (!change) notFound();
  const [app, env, author] = await Promise.all([
    change.appName ? prisma.app.findFirst({ where: { repositoryId: change.repositoryId, name: change.appName }, select: { team: { select: { name: true } } } }) : null,
    change.toEnv ? prisma.environment.findUnique({ where: { name: change.toEnv }, select: { protected: true } }) : null,
    change.authorId ? prisma.user.findUnique({ where: { id: change.authorId }, select: { name: true } }) : null,
  ]);
  const resource = {
    team: app?.team?.name ?? change.repository.team ?? null,
    env: change.toEnv ?? undefined,
    protectedEnv: env?.protected ?? false,
    authorId: change.authorId ?? undefined,
  };
  const decide = (action: "change.merge" | "change.close") => {
    const d = authorize(user, action, resource);
    return d.allowed ? null : d.reason;
  };
  const stored = change.changeSet as unknown as Partial<StoredChangeSet>;
  const isOpen = change.state === "OPEN" || change.state === "DRAFT";

  return (
    <div className="flex flex-col gap-5">
      <div>
        <Link href="/changes" className="text-sm text-sky-700 underline">
          ← changes
        </Link>
        <h1 className="mt-1 text-xl font-semibold">
          {changeLabel(change.repository.provider, change.number, change.id)} {change.title}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          <span data-testid="change-state" className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium uppercase">
            {change.state.toLowerCase()}
          </span>{" "}
          {change.reviewState ? <span className="text-xs">({change.reviewState.replace("_", " ")}) </span> : null}
          {change.checksState ? <span className="text-xs">(checks: {change.checksState}) </span> : null}
          {change.kind.toLowerCase()} in {change.repository.name}
          {change.appName ? ` · ${change.appName}` : ""}
          {change.fromEnv && change.toEnv ? ` · ${change.fromEnv} → ${change.toEnv}` : ""} · by {author?.name ?? change.authorId ?? "unknown"} ·{" "}
          {relativeTime(change.createdAt.toISOString())} · branch <span className="font-mono">{change.branch}</span> on{" "}
          <span className="font-mono">{change.baseSha.slice(0, 10)}</span>
          {change.url ? (
            <>
              {" · "}
              <a className="text-sky-700 underline" href={change.url} target="_blank" rel="noreferrer">
                open on the forge
              </a>
            </>
          ) : null}
        </p>
      </div>

      {isOpen ? <ReviewButtons id={change.id} mergeRefusal={decide("change.merge")} closeRefusal={decide("change.close")} /> : null}

      {stored.fields ? <PlanSummary plan={{ fields: stored.fields, skipped: stored.skipped ?? [], notes: stored.notes ?? [], downgrade: stored.downgrade ?? false }} /> : null}

      <section aria-labelledby="diff-title">
        <h2 id="diff-title" className="mb-2 text-lg font-medium">
          Files changed
        </h2>
        <DiffView diff={stored.diff ?? ""} />
      </section>

      <section aria-labelledby="body-title">
        <h2 id="body-title" className="mb-2 text-lg font-medium">
          Description for reviewers
        </h2>
        <pre className="whitespace-pre-wrap rounded border border-slate-200 bg-white p-3 font-sans text-sm">{change.body}</pre>
      </section>
    </div>
  );
}
