import type { ChangeKind, Prisma, PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import type { ChangeSet } from "@/lib/gitops/change-set";
import { withSpan } from "@/lib/observability/trace";
import { isScmError } from "@/lib/scm/errors";
import type { FileChange, ScmRepository } from "@/lib/scm/types";
import { readCachedRepository, type CachedRepository } from "@/lib/sync/cached-repository";
import { openScmRepository } from "@/lib/sync/open-scm";
import { assertRepositoryActive } from "@/lib/sync/retire-repositories";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { refreshChangeRequest } from "./refresh-change";
import { dropAutoMergeBeforeRewrite } from "./auto-merge";
import { linkChangePage, reserveChangeId } from "./change-page-link";
import { assertFerryWroteTip, failureMessage, mayHaveWritten, readBranchTip, tryCleanup, WRITTEN_HEAD, type Leftover } from "./branch-guard";
import { assertWriteLockHeld, withBranchWriteLock, WriteLockLapsedError } from "./write-lock";
import { changeLabel } from "./change-label";

export interface Requester {
  id: string;
  name: string;
  email: string;
}

export interface ChangeLink {
  id: number;
  number: number | null;
  url: string | null;
  /** Portal-wide name, e.g. "payments-gitops#3" (see lib/changes/change-label.ts). */
  label: string;
}

/** What a planner hands over to be opened as a change request. */
export interface ChangeDraft {
  kind: ChangeKind;
  changeSet: ChangeSet;
  appName?: string | null;
  fromEnv?: string | null;
  toEnv?: string | null;
  /** Stored with the row (diff, fields, skipped files…) so the change page explains it without the forge. */
  details: Record<string, unknown>;
}

export type PlanOutcome<P> = { draft: ChangeDraft; plan: P } | { refusal: P };

export type OpenChangeResult<P> =
  | {
      status: "opened" | "updated" | "identical";
      change: ChangeLink;
      plan: P;
      baseSha: string;
      /** An update on the current head: whether the forge's reviewers were told (a comment), or why not. */
      reviewersTold?: true | "no-thread" | { failed: string };
    }
  | { status: "base-moved"; plan: P; baseSha: string }
  | { status: "not-opened"; plan: P; baseSha: string };

export interface OpenChangeInput<P> {
  repository: string;
  /** Deterministic branch of this change (one open change request per branch). */
  branch: string;
  requester: Requester;
  /** The base the user previewed; if the branch moved since, nothing is written and the new plan returned. */
  expectedBaseSha?: string;
  /** The portal's root URL the planner linked in the body: the link is pointed at the change's own page. */
  portalUrl?: string;
  /** Pure planning against the repository at its current head. */
  plan: (repo: CachedRepository) => PlanOutcome<P>;
  /**
   * "Update this change on the current head": only this open change may be rewritten (never a new one
   * opened), and its reviewers are told on the forge.
   */
  updateOf?: { changeId: number };
}

function toFileChanges(changeSet: ChangeSet): FileChange[] {
  return changeSet.edits.map((e) => (e.action === "delete" || e.content === null ? { path: e.path, delete: true as const } : { path: e.path, content: e.content }));
}

/**
 * Tells the change's reviewers on the forge that its branch was rewritten on a new base (plain git has
 * no thread: the change page says it). A failed comment does not undo the update; the caller reports it.
 */
async function tellReviewers(scm: ScmRepository, number: number, what: { baseBranch: string; baseSha: string; commitSha: string; by: string }): Promise<true | "no-thread" | { failed: string }> {
  if (!scm.commentOnChangeRequest) return "no-thread";
  const body =
    `Ferry updated this change on the current head of \`${what.baseBranch}\` (${what.baseSha.slice(0, 10)}) for ${what.by}: ` +
    `the change was planned again and its branch now holds commit ${what.commitSha.slice(0, 10)}. Review the new diff; an approval of the old one does not carry over in Ferry.`;
  const outcome = await tryCleanup(() => scm.commentOnChangeRequest!(number, body));
  return outcome === "deleted" ? true : outcome;
}

/** Brings the cache to the branch head and reads it; a repository that cannot be read refuses the change. */
export async function freshRepository(prisma: PrismaClient, name: string): Promise<CachedRepository> {
  const synced = await syncRepositoryNow(prisma, name);
  if (synced.status === "error") throw new DomainError(`Repository ${name} could not be read: ${synced.error}. Nothing was changed.`);
  const repo = await readCachedRepository(prisma, name);
  if (!repo) throw new DomainError(`Repository ${name} is unknown or has not been synced yet.`);
  return repo;
}

/**
 * The one write path of every change Ferry proposes (promotion, tenant, app): plan against the
 * latest head under a per-branch Postgres lock, then create or update the branch and its change
 * request. Idempotent per branch: an identical plan is reported, a different one updates the open
 * change request, never a second one.
 */
export async function openChange<P>(prisma: PrismaClient, input: OpenChangeInput<P>): Promise<OpenChangeResult<P>> {
  return withSpan("ferry.change.open", { "ferry.repository": input.repository, "ferry.change.branch": input.branch }, async (span) => {
    const result = await openChangeUntraced(prisma, input);
    span.setAttribute("ferry.change.status", result.status);
    if ("change" in result) span.setAttribute("ferry.change.id", result.change.id);
    return result;
  });
}

async function openChangeUntraced<P>(prisma: PrismaClient, input: OpenChangeInput<P>): Promise<OpenChangeResult<P>> {
  const row = await prisma.repository.findUnique({ where: { name: input.repository } });
  if (!row) throw new DomainError(`Repository ${input.repository} is not configured.`);
  assertRepositoryActive(row);
  await freshRepository(prisma, input.repository);

  // What a failure half-way left on the forge, so the message says it (a revoked token once left a
  // branch behind a message that said nothing had changed).
  let leftover = { kind: "none" } as Leftover;
  try {
    return await withBranchWriteLock(prisma, row.id, input.branch, async () => {
      // Re-read under the lock: another change may have landed while we waited for it.
      const repo = await readCachedRepository(prisma, input.repository);
      if (!repo) throw new DomainError(`Repository ${input.repository} has not been synced yet.`);
      const outcome = input.plan(repo);
      if (input.expectedBaseSha && input.expectedBaseSha !== repo.headSha) {
        return { status: "base-moved" as const, plan: "draft" in outcome ? outcome.plan : outcome.refusal, baseSha: repo.headSha };
      }
      if (!("draft" in outcome)) return { status: "not-opened" as const, plan: outcome.refusal, baseSha: repo.headSha };
      const { draft, plan } = outcome;
      const { changeSet } = draft;
      if (changeSet.branch !== input.branch) throw new Error(`planned branch ${changeSet.branch} is not the locked branch ${input.branch}`);

      const scm = openScmRepository(row);
      const author = { name: input.requester.name, email: input.requester.email };
      const details = { ...draft.details, diff: changeSet.diff, edits: changeSet.edits.map((e) => ({ path: e.path, action: e.action })) };
      // The commit Ferry wrote is kept apart from headSha (which follows the forge): it is what proves the branch is Ferry's.
      const stored = (commitSha: string) => ({ ...details, [WRITTEN_HEAD]: commitSha }) as Prisma.InputJsonValue;
      let existing = await prisma.changeRequest.findFirst({ where: { repositoryId: row.id, branch: changeSet.branch, state: { in: ["OPEN", "DRAFT"] } } });
      // On a forge a change request can be merged or closed by hand while its webhook is late or
      // lost: ask the forge before reusing it, so promoting again never answers "identical" with a
      // closed one or pushes to its branch. Plain git changes only close through Ferry: the row is the truth.
      if (existing?.number != null && row.provider !== "git") {
        const live = await refreshChangeRequest(prisma, row.name, existing.number);
        if (live && live.state !== "OPEN" && live.state !== "DRAFT") existing = null;
      }

      if (input.updateOf && existing?.id !== input.updateOf.changeId) {
        throw new DomainError(`Change #${input.updateOf.changeId} is no longer open, so there is nothing to update. Nothing was changed.`);
      }

      if (existing) {
        const link = { id: existing.id, number: existing.number, url: existing.url, label: changeLabel({ provider: row.provider, repository: row.name, number: existing.number, id: existing.id }) };
        const previous = existing.changeSet as { diff?: string } | null;
        // Only a branch whose tip Ferry wrote is rewritten (or called identical: a commit pushed onto it by
        // someone else is not what Ferry planned); knowing the tip, GitHub goes straight to updating the ref.
        const tip = await readBranchTip(scm, changeSet.branch);
        await assertFerryWroteTip(prisma, row.id, row.name, changeSet.branch, tip);
        if (existing.baseSha === repo.headSha && previous?.diff === changeSet.diff) return { status: "identical" as const, change: link, plan, baseSha: repo.headSha };
        // Auto-merge was asked for the head being replaced: the new one needs its own review.
        await dropAutoMergeBeforeRewrite(prisma, scm, existing);
        assertWriteLockHeld();
        leftover = { kind: "maybe-branch", branch: changeSet.branch };
        const { commitSha } = await scm.createBranchWithCommit({ baseSha: repo.headSha, branch: changeSet.branch, message: changeSet.commitMessage, author, changes: toFileChanges(changeSet), force: true, replaces: tip });
        leftover = { kind: "updated-branch", branch: changeSet.branch, number: existing.number };
        const body = linkChangePage(changeSet.body, input.portalUrl, existing.id);
        if (existing.number !== null) await scm.updateChangeRequest(existing.number, { title: changeSet.title, body });
        // Planned on the current head just now: it merges cleanly until the base moves again.
        await prisma.changeRequest.update({
          where: { id: existing.id },
          data: {
            title: changeSet.title,
            body,
            baseSha: repo.headSha,
            headSha: commitSha,
            changeSet: stored(commitSha),
            fromEnv: draft.fromEnv ?? null,
            conflict: false,
            replannedOnSha: repo.headSha,
            replannedById: input.requester.id,
            replannedAt: new Date(),
          },
        });
        const told = input.updateOf && existing.number !== null ? await tellReviewers(scm, existing.number, { baseBranch: scm.defaultBranch, baseSha: repo.headSha, commitSha, by: input.requester.name }) : undefined;
        return { status: "updated" as const, change: link, plan, baseSha: repo.headSha, ...(told !== undefined ? { reviewersTold: told } : {}) };
      }

      // A branch left by a closed change request is replaced (the lock makes this the only writer), but
      // only when its tip is a commit Ferry wrote: someone's own commit on it is never force-pushed away.
      const tip = await readBranchTip(scm, changeSet.branch);
      await assertFerryWroteTip(prisma, row.id, row.name, changeSet.branch, tip);
      assertWriteLockHeld();
      leftover = { kind: "maybe-branch", branch: changeSet.branch };
      const { commitSha } = await scm.createBranchWithCommit({ baseSha: repo.headSha, branch: changeSet.branch, message: changeSet.commitMessage, author, changes: toFileChanges(changeSet), force: true, replaces: tip });
      leftover = { kind: "none" };
      // Forges get the change page's link in the body they open with; plain git records its own row (id known after).
      const reservedId = row.provider === "git" ? null : await reserveChangeId(prisma);
      const body = reservedId === null ? changeSet.body : linkChangePage(changeSet.body, input.portalUrl, reservedId);
      const opened = await scm
        .openChangeRequest({
          headBranch: changeSet.branch,
          baseBranch: scm.defaultBranch,
          title: changeSet.title,
          body,
          author: input.requester.id,
          draft: row.draftChanges,
          // The code owners of what the change touches, as the base it was planned on names them (GitHub).
          requestCodeOwners: { baseSha: repo.headSha, paths: changeSet.edits.map((e) => e.path) },
        })
        .catch(async (error: unknown) => {
          // A branch without a change request blocks nothing but is litter on the forge: take it back,
          // and if that fails too (a revoked token, a lapsed lock), say that it is still there.
          leftover = { kind: "branch", branch: changeSet.branch, cleanup: await tryCleanup(() => scm.deleteBranch(changeSet.branch)) };
          throw error;
        });
      const data = {
        kind: draft.kind,
        title: changeSet.title,
        body,
        branch: changeSet.branch,
        baseBranch: scm.defaultBranch,
        baseSha: repo.headSha,
        headSha: commitSha,
        url: opened.url,
        state: opened.state === "draft" ? ("DRAFT" as const) : ("OPEN" as const),
        forgeUpdatedAt: opened.updatedAt,
        conflict: false,
        authorId: input.requester.id,
        appName: draft.appName ?? null,
        fromEnv: draft.fromEnv ?? null,
        toEnv: draft.toEnv ?? null,
        changeSet: stored(commitSha),
      };
      // Plain git records the change request in our table itself; forges do not, so create it then.
      const recorded = await prisma.changeRequest.findFirst({ where: { repositoryId: row.id, number: opened.number } });
      const saved = recorded
        ? await prisma.changeRequest.update({ where: { id: recorded.id }, data: { ...data, body: linkChangePage(changeSet.body, input.portalUrl, recorded.id) } })
        : await prisma.changeRequest.create({ data: { ...data, ...(reservedId !== null ? { id: reservedId } : {}), repositoryId: row.id, number: opened.number } });
      const label = changeLabel({ provider: row.provider, repository: row.name, number: saved.number, id: saved.id });
      return { status: "opened" as const, change: { id: saved.id, number: saved.number, url: saved.url, label }, plan, baseSha: repo.headSha };
    });
  } catch (error) {
    // Forge refusals (conflict, stale base, unreachable) and a lapsed write lock are the user's to know:
    // what happened, what it left on the forge, and what to do.
    if (isScmError(error) || error instanceof WriteLockLapsedError) throw new DomainError(failureMessage(error, leftover.kind === "maybe-branch" && !mayHaveWritten(error) ? { kind: "none" } : leftover));
    throw error;
  }
}
