// Plain-git change requests recorded in the portal's ChangeRequest table, so every portal replica
// sharing the database sees the same numbers and states.
//
// Two provider fields are not stored as such:
// - baseBranch: taken from the repository's default branch (the only base Ferry targets);
//   another base is refused rather than silently recorded as the default;
// - labels: not stored (plain git has no labels to show them on); reported as [].
// A MERGED row keeps the reviewed head in `headSha` and the commit that reached the base branch in
// `mergeCommitSha` (rows merged before that column was written had it in `headSha`; the
// 20261202150000_change_merged_by migration copied it over).
import type { ChangeKind, ChangeRequest as ChangeRequestRow, ChangeState, PrismaClient } from "@/lib/db/generated/client";
import {
  changeRequestNotFound,
  notOpen,
  openExists,
  type ChangeRequestPatch,
  type ChangeRequestRecord,
  type ChangeRequestStore,
  type ChangeRequestTransition,
  type NewChangeRequestRecord,
} from "@/lib/scm/change-request-store";
import { InvalidInputError } from "@/lib/scm/errors";
import type { ChangeRequestState } from "@/lib/scm/types";

/** First key of pg_advisory_xact_lock(int, int): "FERY", so Ferry's locks do not collide with others'. */
const NUMBERING_LOCK = 0x46455259;

const OPEN_STATES: ChangeState[] = ["OPEN", "DRAFT"];

const TO_STATE: Record<ChangeState, ChangeRequestState> = { OPEN: "open", DRAFT: "draft", MERGED: "merged", CLOSED: "closed" };

export interface PrismaChangeRequestStoreOptions {
  /** Kind of the rows this store creates; the caller can refine the row (app, envs, change set) afterwards. */
  kind?: ChangeKind;
}

interface RepositoryRow {
  id: number;
  name: string;
  defaultBranch: string;
}

export class PrismaChangeRequestStore implements ChangeRequestStore {
  private readonly kind: ChangeKind;

  constructor(
    private readonly prisma: PrismaClient,
    opts: PrismaChangeRequestStoreOptions = {},
  ) {
    this.kind = opts.kind ?? "PROMOTION";
  }

  async create(input: NewChangeRequestRecord): Promise<ChangeRequestRecord> {
    const repo = await this.repository(input.repository);
    if (input.baseBranch !== repo.defaultBranch) {
      throw new InvalidInputError(repo.name, `Change requests of "${repo.name}" target its default branch "${repo.defaultBranch}", not "${input.baseBranch}".`);
    }
    const row = await this.prisma.$transaction(async (tx) => {
      // One writer per repository at a time: the next number and the "one open change request per
      // branch" rule are both decided on rows no concurrent opener can be inserting.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${NUMBERING_LOCK}::int4, ${repo.id}::int4)`;
      const existing = await tx.changeRequest.findFirst({
        where: { repositoryId: repo.id, branch: input.headBranch, state: { in: OPEN_STATES }, number: { not: null } },
        select: { number: true },
      });
      if (existing?.number != null) throw openExists({ repository: repo.name, number: existing.number, headBranch: input.headBranch });
      const { _max } = await tx.changeRequest.aggregate({ where: { repositoryId: repo.id }, _max: { number: true } });
      return tx.changeRequest.create({
        data: {
          repositoryId: repo.id,
          kind: this.kind,
          state: input.state === "draft" ? "DRAFT" : "OPEN",
          number: (_max.number ?? 0) + 1,
          branch: input.headBranch,
          baseSha: input.baseSha,
          headSha: input.headSha,
          title: input.title,
          body: input.body,
          authorId: input.author ?? null,
          changeSet: [],
        },
      });
    });
    return toRecord(repo, row);
  }

  async update(repository: string, number: number, patch: ChangeRequestPatch): Promise<ChangeRequestRecord> {
    const repo = await this.repository(repository);
    const { count } = await this.prisma.changeRequest.updateMany({
      where: { repositoryId: repo.id, number },
      data: { title: patch.title, body: patch.body, headSha: patch.headSha },
    });
    if (count === 0) throw changeRequestNotFound(repo.name, number);
    return this.require(repo, number);
  }

  async findOpenByBranch(repository: string, headBranch: string): Promise<ChangeRequestRecord | null> {
    const repo = await this.repository(repository);
    const row = await this.prisma.changeRequest.findFirst({
      where: { repositoryId: repo.id, branch: headBranch, state: { in: OPEN_STATES }, number: { not: null } },
      orderBy: { number: "desc" },
    });
    return row ? toRecord(repo, row) : null;
  }

  async findLatestByBranch(repository: string, headBranch: string): Promise<ChangeRequestRecord | null> {
    const repo = await this.repository(repository);
    const row = await this.prisma.changeRequest.findFirst({ where: { repositoryId: repo.id, branch: headBranch, number: { not: null } }, orderBy: { number: "desc" } });
    return row ? toRecord(repo, row) : null;
  }

  async get(repository: string, number: number): Promise<ChangeRequestRecord | null> {
    const repo = await this.repository(repository);
    const row = await this.prisma.changeRequest.findFirst({ where: { repositoryId: repo.id, number } });
    return row ? toRecord(repo, row) : null;
  }

  async setState(repository: string, number: number, transition: ChangeRequestTransition): Promise<ChangeRequestRecord> {
    const repo = await this.repository(repository);
    const at = transition.at ?? new Date();
    const data =
      transition.state === "merged"
        ? { state: "MERGED" as const, mergedAt: at, headSha: transition.headSha, mergeCommitSha: transition.mergeCommitSha }
        : { state: "CLOSED" as const, closedAt: at };
    // The state condition makes this a compare-and-swap: of two concurrent merges/closes one updates the row.
    const { count } = await this.prisma.changeRequest.updateMany({ where: { repositoryId: repo.id, number, state: { in: OPEN_STATES } }, data });
    const record = await this.require(repo, number);
    if (count === 0) throw notOpen(record);
    return record;
  }

  private async require(repo: RepositoryRow, number: number): Promise<ChangeRequestRecord> {
    const row = await this.prisma.changeRequest.findFirst({ where: { repositoryId: repo.id, number } });
    if (!row) throw changeRequestNotFound(repo.name, number);
    return toRecord(repo, row);
  }

  private async repository(name: string): Promise<RepositoryRow> {
    const repo = await this.prisma.repository.findUnique({ where: { name }, select: { id: true, name: true, defaultBranch: true } });
    if (!repo) throw new InvalidInputError(name, `Repository "${name}" is not registered in the portal's database.`);
    return repo;
  }
}

function toRecord(repo: RepositoryRow, row: ChangeRequestRow): ChangeRequestRecord {
  const state = TO_STATE[row.state];
  return {
    repository: repo.name,
    number: row.number ?? 0,
    title: row.title,
    body: row.body,
    state,
    headBranch: row.branch,
    baseBranch: repo.defaultBranch,
    baseSha: row.baseSha,
    headSha: row.headSha,
    mergeCommitSha: state === "merged" ? (row.mergeCommitSha ?? row.headSha) : null,
    author: row.authorId,
    labels: [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    mergedAt: row.mergedAt,
    closedAt: row.closedAt,
  };
}
