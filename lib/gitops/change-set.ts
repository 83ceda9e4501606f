// A ChangeSet is what every write in Ferry becomes before it reaches a forge: promotions, tenant
// onboarding, adding an app. It is plain data so it can be previewed (diff), stored and replayed.

/** One file change. `previous` is the content at the base commit, so a stale base can be detected. */
export interface FileEdit {
  /** Repo-relative POSIX path. */
  path: string;
  action: "create" | "update" | "delete";
  /** New content; null for a delete. */
  content: string | null;
  /** Content at the base commit; null for a create. */
  previous: string | null;
}

export interface ChangeSet {
  /** Pull/merge request title. */
  title: string;
  /** Pull/merge request description (Markdown, for reviewers). */
  body: string;
  /** Deterministic branch name, so planning again updates the same change request. */
  branch: string;
  commitMessage: string;
  edits: FileEdit[];
  /** Unified diff of all edits with git-style `a/` `b/` headers. */
  diff: string;
}
