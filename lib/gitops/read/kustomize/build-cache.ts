import type { RepoError } from "../../model";
import type { BuildResult } from "./resolve-overlay";

// Kustomize builds kept across reads of one repository, so re-reading it after a one-file commit
// rebuilds only the overlays that commit could have changed. A build is a pure function of what it
// looked at, so each entry records exactly that (file contents by content key, which paths exist)
// next to what it did besides returning a result (errors, conventions, nested builds). An entry is
// reused only if every observation still holds in the new tree; reuse replays its effects in order.

export type BuildStep =
  /** A file read: its content key, and whether it sat in a chart's templates (which skips it). */
  | { kind: "load"; path: string; key: string | undefined; chartTemplate: boolean }
  | { kind: "hasFile"; path: string; answer: boolean }
  | { kind: "hasDir"; path: string; answer: boolean }
  | { kind: "findFileIn"; dir: string; names: readonly string[]; answer: string | undefined }
  | { kind: "error"; error: RepoError }
  | { kind: "convention"; name: string }
  /** A nested build this one embedded (resources of a base or sibling overlay). */
  | { kind: "build"; dir: string };

export interface RecordedBuild {
  result: BuildResult;
  steps: BuildStep[];
}

/** One per repository, owned by the caller (e.g. the sync), passed to every read of that repository. */
export class KustomizeBuildCache {
  private entries = new Map<string, RecordedBuild>();
  /** Builds reused and rebuilt by the last read: for tests and profiling. */
  lastRead = { reused: 0, built: 0 };

  get(dir: string): RecordedBuild | undefined {
    return this.entries.get(dir);
  }

  /** Keeps exactly the builds the read just used: the cache never outgrows the repository. */
  replace(used: Map<string, RecordedBuild>, stats: { reused: number; built: number }): void {
    this.entries = used;
    this.lastRead = stats;
  }

  get size(): number {
    return this.entries.size;
  }
}
