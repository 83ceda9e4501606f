// The parts of GitLab's REST v4 responses Ferry reads, as GitLab documents them (snake_case, as sent).
// gitbeaker's own schema types are looser (and miss newer fields such as detailed_merge_status), so
// responses are narrowed to these at the call site and turned into domain types by ./reshape.ts.

export interface WireBranch {
  name: string;
  commit: { id: string };
}

export interface WireTreeItem {
  id: string;
  name: string;
  /** "blob", "tree" or "commit" (a submodule). */
  type: string;
  path: string;
  mode: string;
}

export interface WireCommit {
  id: string;
  message: string;
  author_name: string;
  author_email: string;
  authored_date: string;
  parent_ids: string[];
  web_url: string;
}

export interface WireUser {
  id: number;
  username: string;
  name: string;
}

export interface WireMergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  /** "opened", "closed", "locked" or "merged". */
  state: string;
  created_at: string;
  updated_at: string;
  target_branch: string;
  source_branch: string;
  author: WireUser | null;
  labels: string[];
  draft?: boolean;
  /** Deprecated alias of `draft`, still sent. */
  work_in_progress?: boolean;
  merge_status?: string;
  detailed_merge_status?: string;
  /** Whether the source branch conflicts with the target (list and single responses). */
  has_conflicts?: boolean;
  sha: string | null;
  merge_commit_sha: string | null;
  squash_commit_sha?: string | null;
  web_url: string;
  /** Only on single merge request responses. */
  head_pipeline?: { id: number; status: string } | null;
  /** Whether auto-merge is on (GitLab 17.11+ still reports its new auto-merge under this old name). */
  merge_when_pipeline_succeeds?: boolean;
  /** Who set it to merge (auto-merge), or who merged it. */
  merge_user?: WireUser | null;
}

export interface WireApprovals {
  approved?: boolean;
  approvals_required?: number;
  approvals_left?: number;
  approved_by: { user: WireUser }[];
}
