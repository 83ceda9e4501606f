// Plain git has no forge to keep pull requests: a change request is the pushed branch plus a record
// in this store. The git provider owns the git side (branches, merges); the store owns numbering and
// state. Implementations: PrismaChangeRequestStore (lib/changes, the portal's database) and
// MemoryChangeRequestStore below (tests, tools without a database).
import { ConflictError, RefNotFoundError } from "./errors";
import type { ChangeRequestState } from "./types";

export interface ChangeRequestRecord {
  /** Configured repository name. */
  repository: string;
  /** 1, 2, 3, … per repository, never reused. */
  number: number;
  title: string;
  body: string;
  state: ChangeRequestState;
  headBranch: string;
  baseBranch: string;
  /** Tip of the base branch when it was opened. */
  baseSha: string;
  /** Tip of the head branch when it was last recorded (opened, updated or merged). */
  headSha: string | null;
  /** The commit that landed on the base branch (a merge commit, or the head for a fast-forward). */
  mergeCommitSha: string | null;
  /** Who opened it (portal user id or name), when known. */
  author: string | null;
  labels: string[];
  createdAt: Date;
  updatedAt: Date;
  mergedAt: Date | null;
  closedAt: Date | null;
}

export interface NewChangeRequestRecord {
  repository: string;
  title: string;
  body: string;
  /** "open" or "draft". */
  state: "open" | "draft";
  headBranch: string;
  baseBranch: string;
  baseSha: string;
  headSha: string;
  author?: string | null;
  labels?: string[];
}

export interface ChangeRequestPatch {
  title?: string;
  body?: string;
  labels?: string[];
  headSha?: string;
}

export type ChangeRequestTransition =
  | { state: "merged"; mergeCommitSha: string; headSha: string; at?: Date }
  | { state: "closed"; at?: Date };

export interface ChangeRequestStore {
  /**
   * Records a new change request with the next number of its repository.
   * @throws ConflictError if an open (or draft) change request with the same head branch exists:
   * checked atomically with the insert, so two concurrent opens produce one record.
   */
  create(input: NewChangeRequestRecord): Promise<ChangeRequestRecord>;
  /** @throws RefNotFoundError if there is no such change request */
  update(repository: string, number: number, patch: ChangeRequestPatch): Promise<ChangeRequestRecord>;
  /** The open or draft change request whose head is `headBranch`, or null. */
  findOpenByBranch(repository: string, headBranch: string): Promise<ChangeRequestRecord | null>;
  /** The newest change request (any state) whose head is `headBranch`, or null. */
  findLatestByBranch(repository: string, headBranch: string): Promise<ChangeRequestRecord | null>;
  get(repository: string, number: number): Promise<ChangeRequestRecord | null>;
  /**
   * Marks an open or draft change request merged or closed, atomically with checking that it still is
   * open: of two concurrent transitions one wins.
   * @throws ConflictError if it is no longer open or draft; RefNotFoundError if it does not exist
   */
  setState(repository: string, number: number, transition: ChangeRequestTransition): Promise<ChangeRequestRecord>;
}

/** Keeps records in memory: for tests and tools that run without a database. */
export class MemoryChangeRequestStore implements ChangeRequestStore {
  private readonly records: ChangeRequestRecord[] = [];

  async create(input: NewChangeRequestRecord): Promise<ChangeRequestRecord> {
    const existing = this.openByBranch(input.repository, input.headBranch);
    if (existing) throw openExists(existing);
    const now = new Date();
    const number = Math.max(0, ...this.records.filter((r) => r.repository === input.repository).map((r) => r.number)) + 1;
    const record: ChangeRequestRecord = {
      repository: input.repository,
      number,
      title: input.title,
      body: input.body,
      state: input.state,
      headBranch: input.headBranch,
      baseBranch: input.baseBranch,
      baseSha: input.baseSha,
      headSha: input.headSha,
      mergeCommitSha: null,
      author: input.author ?? null,
      labels: [...(input.labels ?? [])],
      createdAt: now,
      updatedAt: now,
      mergedAt: null,
      closedAt: null,
    };
    this.records.push(record);
    return { ...record, labels: [...record.labels] };
  }

  async update(repository: string, number: number, patch: ChangeRequestPatch): Promise<ChangeRequestRecord> {
    const record = this.find(repository, number);
    if (patch.title !== undefined) record.title = patch.title;
    if (patch.body !== undefined) record.body = patch.body;
    if (patch.labels !== undefined) record.labels = [...patch.labels];
    if (patch.headSha !== undefined) record.headSha = patch.headSha;
    record.updatedAt = new Date();
    return { ...record, labels: [...record.labels] };
  }

  async findOpenByBranch(repository: string, headBranch: string): Promise<ChangeRequestRecord | null> {
    const record = this.openByBranch(repository, headBranch);
    return record ? { ...record, labels: [...record.labels] } : null;
  }

  async findLatestByBranch(repository: string, headBranch: string): Promise<ChangeRequestRecord | null> {
    const matching = this.records.filter((r) => r.repository === repository && r.headBranch === headBranch);
    const record = matching.sort((a, b) => b.number - a.number)[0];
    return record ? { ...record, labels: [...record.labels] } : null;
  }

  async get(repository: string, number: number): Promise<ChangeRequestRecord | null> {
    const record = this.records.find((r) => r.repository === repository && r.number === number);
    return record ? { ...record, labels: [...record.labels] } : null;
  }

  async setState(repository: string, number: number, transition: ChangeRequestTransition): Promise<ChangeRequestRecord> {
    const record = this.find(repository, number);
    if (record.state !== "open" && record.state !== "draft") throw notOpen(record);
    const at = transition.at ?? new Date();
    record.state = transition.state;
    record.updatedAt = at;
    if (transition.state === "merged") {
      record.mergedAt = at;
      record.mergeCommitSha = transition.mergeCommitSha;
      record.headSha = transition.headSha;
    } else {
      record.closedAt = at;
    }
    return { ...record, labels: [...record.labels] };
  }

  private openByBranch(repository: string, headBranch: string): ChangeRequestRecord | undefined {
    return this.records.find((r) => r.repository === repository && r.headBranch === headBranch && (r.state === "open" || r.state === "draft"));
  }

  private find(repository: string, number: number): ChangeRequestRecord {
    const record = this.records.find((r) => r.repository === repository && r.number === number);
    if (!record) throw changeRequestNotFound(repository, number);
    return record;
  }
}

export function changeRequestNotFound(repository: string, number: number): RefNotFoundError {
  return new RefNotFoundError(repository, `#${number}`, { message: `Repository "${repository}" has no change request #${number}.` });
}

export function openExists(existing: Pick<ChangeRequestRecord, "repository" | "number" | "headBranch">): ConflictError {
  return new ConflictError(existing.repository, `Change request #${existing.number} for branch "${existing.headBranch}" is already open in "${existing.repository}".`);
}

export function notOpen(record: Pick<ChangeRequestRecord, "repository" | "number" | "state">): ConflictError {
  return new ConflictError(record.repository, `Change request #${record.number} of "${record.repository}" is already ${record.state}.`);
}
