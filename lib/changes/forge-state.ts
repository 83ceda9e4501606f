import type { ChangeRequest as ChangeRow, ChangeState, Prisma, PrismaClient } from "@/lib/db/generated/client";
import type { PolledChangeRequest } from "@/lib/scm/types";

// How what a forge says about a change request lands in its row: one place for the webhook's single
// read and the poll's batch read, so both record state, head, mergeability, review and checks alike.

const STATE: Record<PolledChangeRequest["state"], ChangeState> = { open: "OPEN", draft: "DRAFT", merged: "MERGED", closed: "CLOSED" };

export interface RefreshedChange {
  id: number;
  state: ChangeState;
  /** The change was merged since we last looked: the repository's cache needs a sync. */
  newlyMerged: boolean;
}

type Row = Pick<ChangeRow, "id" | "state" | "url" | "headSha" | "mergeCommitSha" | "reviewState" | "checksState" | "conflict" | "forgeUpdatedAt" | "mergedAt" | "closedAt">;

/** The row's fields that differ from the forge's answer (empty when the row is current). */
export function forgeUpdate(row: Row, forge: PolledChangeRequest, now: Date): Prisma.ChangeRequestUpdateInput {
  const state = STATE[forge.state];
  const open = state === "OPEN" || state === "DRAFT";
  const next = {
    state,
    url: forge.url ?? row.url,
    headSha: forge.headSha || row.headSha,
    mergeCommitSha: forge.mergeCommitSha ?? row.mergeCommitSha,
    // Absent: this read did not include it; keep what is known.
    reviewState: forge.reviewState === undefined ? row.reviewState : forge.reviewState,
    checksState: forge.checksState === undefined ? row.checksState : forge.checksState,
    // Still computing (null) keeps the last answer; once closed or merged a conflict no longer matters.
    conflict: !open ? null : forge.conflict === undefined || forge.conflict === null ? row.conflict : forge.conflict,
    forgeUpdatedAt: forge.updatedAt,
  };
  const data: Prisma.ChangeRequestUpdateInput = {};
  for (const [key, value] of Object.entries(next) as [keyof typeof next, unknown][]) {
    const current = row[key];
    const same = current instanceof Date && value instanceof Date ? current.getTime() === value.getTime() : current === value;
    if (!same) (data as Record<string, unknown>)[key] = value;
  }
  if (state === "MERGED" && !row.mergedAt) data.mergedAt = now;
  if (state === "CLOSED" && !row.closedAt) data.closedAt = now;
  return data;
}

/** Writes the forge's answer to the row when something moved; says whether it was merged just now. */
export async function applyForgeState(prisma: PrismaClient, row: Row, forge: PolledChangeRequest, now = new Date()): Promise<RefreshedChange> {
  const data = forgeUpdate(row, forge, now);
  const state = STATE[forge.state];
  // Nothing moved: no write, so the Changes page (ordered by last update) does not churn on every poll.
  if (Object.keys(data).length > 0) await prisma.changeRequest.update({ where: { id: row.id }, data: { ...data, syncedAt: now } });
  return { id: row.id, state, newlyMerged: state === "MERGED" && row.state !== "MERGED" };
}
