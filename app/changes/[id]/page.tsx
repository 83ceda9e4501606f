import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { changeResource } from "@/lib/actions/changes/review-change";
import { updatePermission } from "@/lib/actions/changes/update-change";
import { parseRecordId } from "@/lib/actions/input";
import { reviewedVersion } from "@/lib/changes/reviewed-version";
import { authorize } from "@/lib/auth/policy";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import type { StoredChangeSet } from "@/lib/changes/open-promotion";
import { getChangeDetail } from "@/lib/data/changes";
import { nowOnHead } from "@/lib/data/change-now";
import { BaseNotice } from "@/components/changes/base-notice";
import { DiffView } from "@/components/changes/diff-view";
import { RenderedDiff } from "@/components/changes/rendered-diff";
import { ReviewButtons } from "@/components/changes/review-buttons";
import { AutoMerge } from "@/components/changes/auto-merge";
import { autoMergeRequestedBy } from "@/lib/changes/auto-merge";
import { describeActors } from "@/lib/data/changes";
import { MergeGates } from "@/components/changes/merge-gates";
import { mergeGatesForPage } from "@/lib/changes/merge-gates";
import { gateRefusal } from "@/lib/changes/gate-refusal";
import { RolloutTimeline } from "@/components/changes/rollout-timeline";
import { SafeMarkdown } from "@/components/markdown/markdown";
import { PlanSummary } from "@/components/promote/plan-summary";
import { relativeTime } from "@/components/matrix/relative-time";

type Params = Promise<{ id: string }>;

// Beyond int4 is no change either: a 404, not a database error.
const parseId = parseRecordId;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const id = parseId((await params).id);
  const change = id === null ? null : await getChangeDetail(getPrisma(), id).catch(() => null);
  return { title: change ? `${change.label} ${change.title}` : "Change not found" };
}

export default async function ChangePage({ params }: { params: Params }) {
  const user = await requireUser();
  const id = parseId((await params).id);
  if (id === null) notFound();
  const prisma = getPrisma();
  const change = await getChangeDetail(prisma, id);
  if (!change) notFound();
  // The same resource the merge and close actions authorize against: every protected environment the
  // change alters, and the team an add-app change was requested for.
  const resource = await changeResource(prisma, change.id);
  const decide = (action: "change.merge" | "change.close") => {
    const d = authorize(user, action, resource);
    return d.allowed ? null : d.reason;
  };
  const stored = change.changeSet as Partial<StoredChangeSet>;
  const isOpen = change.state === "OPEN" || change.state === "DRAFT";
  // Who may update it on the current head: whoever may open a change of its kind there.
  let updateRefusal: string | null = null;
  if (isOpen) {
    try {
      const permission = await updatePermission(prisma, change.id);
      const decision = authorize(user, permission.action, permission.resource);
      updateRefusal = decision.allowed ? null : decision.reason;
    } catch (error) {
      updateRefusal = error instanceof Error ? error.message : String(error);
    }
  }
  const fieldsNow = change.baseMovedTo ? await nowOnHead(prisma, change) : [];
  // The forge's reviews, checks and pipelines of this head (cached on the change; read again when stale).
  const gates = await mergeGatesForPage(prisma, change.id);
  const gateBlock = isOpen && gates.gates ? gateRefusal(gates.gates, change.headSha) : null;
  const mergeDenied = decide("change.merge");
  // Merge when ready: the forge's auto-merge, offered while its gates of the reviewed head are pending
  // to someone who may merge (plain git has no gates, so never there). Who turned it on through Ferry is
  // its audit row; the forge's own record names only the account of Ferry's token.
  const autoOn = isOpen && gates.gates?.autoMerge && gates.gates.headSha === change.headSha ? gates.gates.autoMerge : null;
  const asked = autoOn || (change.merged && !change.merged.by) ? await autoMergeRequestedBy(prisma, change.id) : null;
  const askedBy = asked?.actorId ? ((await describeActors(prisma, [asked.actorId])).get(asked.actorId) ?? asked.actorId) : null;
  const offerAutoMerge = isOpen && !autoOn && gateBlock !== null && mergeDenied === null && !!change.headSha && gates.gates?.headSha === change.headSha;
  const consequence =
    stored.fields?.length && change.toEnv ? `${change.toEnv} will run ${stored.fields.map((f) => `${f.name} ${f.to ?? "(removed)"}`).join(", ")}.` : null;

  return (
    <div className="flex flex-col gap-5">
      <div>
        <Link href="/changes" className="text-sm text-sky-700 underline">
          ← changes
        </Link>
        <h1 className="mt-1 text-xl font-semibold break-words">
          {change.label} {change.title}
        </h1>
        <p className="mt-1 text-sm break-words text-slate-600">
          <span data-testid="change-state" className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium uppercase">
            {change.state.toLowerCase()}
          </span>{" "}
          {change.reviewState ? <span className="text-xs">({change.reviewState.replace("_", " ")}) </span> : null}
          {change.checksState ? <span className="text-xs">(checks: {change.checksState}) </span> : null}
          {change.kind.toLowerCase()} in {change.repository.name}
          {change.appName ? ` · ${change.appName}` : ""}
          {change.fromEnv && change.toEnv ? ` · ${change.fromEnv} → ${change.toEnv}` : ""} · by <span data-testid="change-author">{change.author ?? "unknown"}</span> ·{" "}
          <time dateTime={change.createdAt} title={change.createdAt}>
            {relativeTime(change.createdAt)}
          </time>{" "}
          · branch <span className="font-mono">{change.branch}</span> on <span className="font-mono">{change.baseSha.slice(0, 10)}</span>
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

      {change.merged ? (
        <p data-testid="change-merged" className="rounded border border-violet-200 bg-violet-50 p-3 text-sm text-violet-900">
          Merged into <span className="font-mono">{change.baseBranch}</span> by{" "}
          <strong>{change.merged.by ?? (askedBy ? `${forgeName(change.repository.provider)} (auto-merge turned on by ${askedBy})` : `someone on ${forgeName(change.repository.provider)}`)}</strong>
          {change.merged.at ? (
            <>
              {" "}
              <time dateTime={change.merged.at} title={change.merged.at}>
                {formatAt(change.merged.at)}
              </time>{" "}
              ({relativeTime(change.merged.at)})
            </>
          ) : null}
          {change.merged.commitSha ? (
            <>
              {" "}
              as merge commit{" "}
              <span className="font-mono" title={change.merged.commitSha}>
                {change.merged.commitSha.slice(0, 10)}
              </span>
            </>
          ) : null}
          .
        </p>
      ) : null}
      {change.closed ? (
        <p data-testid="change-closed" className="rounded border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800">
          Closed without merging{change.closed.by ? ` by ${change.closed.by}` : ""}
          {change.closed.at ? (
            <>
              {" "}
              <time dateTime={change.closed.at} title={change.closed.at}>
                {formatAt(change.closed.at)}
              </time>
            </>
          ) : null}
          : nothing was deployed.
        </p>
      ) : null}

      <RolloutTimeline changeId={change.id} />

      <BaseNotice
        id={change.id}
        baseBranch={change.baseBranch}
        baseSha={change.baseSha}
        conflict={change.conflict}
        baseMovedTo={change.baseMovedTo}
        replanned={change.replanned}
        fields={fieldsNow}
        updateRefusal={updateRefusal}
        open={isOpen}
      />

      <MergeGates shown={gates} forge={forgeName(change.repository.provider)} />

      <AutoMerge
        id={change.id}
        reviewed={reviewedVersion(change)}
        forge={forgeName(change.repository.provider)}
        on={autoOn ? { by: askedBy ?? (autoOn.enabledBy ? `${autoOn.enabledBy} on ${forgeName(change.repository.provider)}` : null), at: askedBy ? (asked?.at.toISOString() ?? null) : null } : null}
        offer={offerAutoMerge}
        mayCancel={mergeDenied === null}
      />

      {isOpen ? (
        <ReviewButtons
          id={change.id}
          reviewed={reviewedVersion(change)}
          label={change.label}
          baseBranch={change.baseBranch}
          consequence={consequence}
          mergeRefusal={mergeDenied ?? gateBlock}
          closeRefusal={decide("change.close")}
        />
      ) : null}

      {stored.fields ? (
        <PlanSummary
          plan={{ fields: stored.fields, skipped: stored.skipped ?? [], notes: stored.notes ?? [], downgrade: stored.downgrade ?? false }}
          // Once merged, "Now" would be wrong: the old value is what ran before the merge.
          columns={change.state === "MERGED" ? { from: "Before merge", to: "After merge" } : change.state === "CLOSED" ? { from: "Kept", to: "Proposed" } : undefined}
        />
      ) : null}

      <section aria-labelledby="diff-title">
        <h2 id="diff-title" className="mb-2 text-lg font-medium">
          Files changed
        </h2>
        <DiffView diff={stored.diff ?? ""} />
      </section>

      <RenderedDiff changeId={change.id} />

      <section aria-labelledby="body-title">
        <h2 id="body-title" className="mb-2 text-lg font-medium">
          Description for reviewers
        </h2>
        <div className="rounded border border-slate-200 bg-white p-3">
          <SafeMarkdown source={change.body} testId="change-body" />
        </div>
      </section>
    </div>
  );
}

function forgeName(provider: string): string {
  return provider === "github" ? "GitHub" : provider === "gitlab" ? "GitLab" : "the repository";
}

/** "2026-12-02 14:05 UTC": the server renders it, so it says which time zone it means. */
function formatAt(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
