import type { ChangeSet } from "../change-set";
import type { EnvironmentImpact } from "../impact";
import type { Deployment, FileTree, VersionKind } from "../model";

export type PromotionMode = "version" | "folder";

/** Request options that lift a refusal the user may override. */
export type RefusalOverride = "allowReplaceDigestPin";

/** Request options a needs-confirmation plan asks for. */
export type ConfirmOption = "allowDowngrade" | "allowFloating" | "allowUnpin";

/** A target cell held at a version by a rollback (stored by the portal, not in the repository). */
export interface RollbackPin {
  /** What the rollback promoted, as shown. */
  version: string;
  by: string;
  reason: string;
}

export interface PromotionInput {
  /** Repository content at the base commit the change will be built on. */
  tree: FileTree;
  /** The cell promoted from. */
  source: Deployment;
  /** The cell promoted to. */
  target: Deployment;
  mode: PromotionMode;
  /** Extra globs (repo-relative, or relative to the env folder) that are never copied, from the repo config. */
  neverPromote?: string[];
  /** The user confirmed promoting an older version (rollback). */
  allowDowngrade?: boolean;
  /**
   * A rollback: `source` is the target environment itself as it was at `commitSha` (read from that
   * commit), so the same environment and folder are expected, and only versions are promoted.
   */
  rollback?: { commitSha: string; /** Why, as the requester wrote it: the reviewer reads it in the body. */ reason?: string };
  /** The target is pinned by a rollback: moving it needs allowUnpin (a new rollback re-pins it without asking). */
  targetPin?: RollbackPin;
  /** The user confirmed moving a cell pinned by rollback; the pin is cleared when the change opens. */
  allowUnpin?: boolean;
  /**
   * The user confirmed promoting a floating version (`latest`, no tag, a semver range, a branch) into an
   * unprotected environment. Into a protected one it is refused whatever this says. Default off.
   */
  allowFloating?: boolean;
  /**
   * The target pins an image by digest and the source has none: replace the pin by the source's tag
   * instead of refusing. Default off. (When the source has a digest, the digest is promoted anyway.)
   */
  allowReplaceDigestPin?: boolean;
  /**
   * The target environment is protected (repo config `environments[].protected`). The planner cannot know
   * it from the cells alone; callers that do not pass it get an unprotected target.
   */
  targetProtected?: boolean;
  baseSha: string;
  repository: string;
  /** Commit the source environment was read at, for the PR body. */
  sourceSha?: string;
  /** Link back to the portal, for the PR body. */
  portalUrl?: string;
  requestedBy?: string;
}

/** One release field the promotion changes (or would change). */
export interface FieldChange {
  kind: VersionKind;
  name: string;
  /** File edited in the target. */
  file: string;
  /** Readable field, e.g. `images[name=ghcr.io/acme/checkout].newTag`. */
  field: string;
  from: string | null;
  to: string | null;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export type PromotionPlan =
  | {
      status: "changes";
      changeSet: ChangeSet;
      fields: FieldChange[];
      /** Files (or fields) deliberately not copied, each with the reason. */
      skipped: SkippedFile[];
      downgrade: boolean;
      /** Things a reviewer should look at: created files holding env-specific values, fields not promoted. */
      notes: string[];
      /**
       * Every cell whose rendered versions the change alters, the target and any other environment fed
       * by an edited file (a shared base); set where the repository's model is at hand.
       */
      affected?: EnvironmentImpact[];
    }
  | { status: "up-to-date"; message: string }
  | {
      status: "needs-confirmation";
      reason: string;
      fields: FieldChange[];
      /** The request options that confirm it (set each to true and plan again); absent means allowDowngrade. */
      confirm?: ConfirmOption[];
    }
  | {
      status: "refused";
      reason: string;
      /** The request option that lifts this refusal when set to true (the user chooses to), if any. */
      override?: RefusalOverride;
    };
