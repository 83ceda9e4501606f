import { z } from "zod";

// Response shapes of the GitLab REST API v4 endpoints Ferry uses, written from GitLab's API
// documentation (docs.gitlab.com/api: branches, repositories, commits, merge_requests,
// merge_request_approvals, rest/#pagination). Every field is listed with its documented type; the
// objects are strict, so the test server cannot send a field GitLab does not document, nor miss
// one of those listed. The test server validates each response it sends against these.

const isoDate = z.iso.datetime({ offset: true });
const sha = z.string().regex(/^[0-9a-f]{40}$/);
const shortSha = z.string().regex(/^[0-9a-f]{7,12}$/);
const webUrl = z.url();

/** Body of every error answer: `{"message": ...}` (validation errors carry an array or a field map), or Grape's `{"error": "..."}`. */
export const errorShape = z.union([
  z.strictObject({ message: z.union([z.string(), z.array(z.string()), z.record(z.string(), z.array(z.string()))]) }),
  z.strictObject({ error: z.string() }),
]);

const trailers = z.record(z.string(), z.string());

/** GET /projects/:id/repository/commits (list items) and the commit inside a branch. */
export const commitShape = z.strictObject({
  id: sha,
  short_id: shortSha,
  created_at: isoDate,
  parent_ids: z.array(sha),
  title: z.string(),
  message: z.string(),
  author_name: z.string(),
  author_email: z.string(),
  authored_date: isoDate,
  committer_name: z.string(),
  committer_email: z.string(),
  committed_date: isoDate,
  trailers,
  extended_trailers: z.record(z.string(), z.array(z.string())),
  web_url: webUrl,
});

const pipelineShape = z.strictObject({
  id: z.number().int(),
  iid: z.number().int(),
  project_id: z.number().int(),
  sha,
  ref: z.string(),
  status: z.enum(["created", "waiting_for_resource", "preparing", "pending", "running", "success", "failed", "canceling", "canceled", "skipped", "manual", "scheduled"]),
  source: z.string(),
  created_at: isoDate,
  updated_at: isoDate,
  web_url: webUrl,
});

/** GET /projects/:id/repository/commits/:sha and POST /projects/:id/repository/commits (201). */
export const commitDetailShape = commitShape.extend({
  stats: z.strictObject({ additions: z.number().int(), deletions: z.number().int(), total: z.number().int() }),
  status: z.string().nullable(),
  project_id: z.number().int(),
  last_pipeline: pipelineShape.nullable(),
});

/** GET /projects/:id/repository/branches/:branch */
export const branchShape = z.strictObject({
  name: z.string(),
  merged: z.boolean(),
  protected: z.boolean(),
  default: z.boolean(),
  developers_can_push: z.boolean(),
  developers_can_merge: z.boolean(),
  can_push: z.boolean(),
  web_url: webUrl,
  commit: commitShape.omit({ extended_trailers: true }),
});

/** GET /projects/:id/repository/tree (items) */
export const treeItemShape = z.strictObject({
  id: sha,
  name: z.string(),
  type: z.enum(["tree", "blob", "commit"]),
  path: z.string(),
  mode: z.enum(["040000", "100644", "100755", "120000", "160000"]),
});

/** GET /projects/:id/repository/blobs/:sha */
export const blobShape = z.strictObject({
  size: z.number().int().nonnegative(),
  encoding: z.literal("base64"),
  content: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
  sha,
});

const userShape = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  name: z.string(),
  state: z.string(),
  locked: z.boolean(),
  avatar_url: z.url().nullable(),
  web_url: webUrl,
});

/** POST /projects/:id/merge_requests/:iid/notes (201): the note created. */
export const noteShape = z.strictObject({
  id: z.number().int(),
  type: z.string().nullable(),
  body: z.string(),
  attachment: z.null(),
  author: userShape,
  created_at: isoDate,
  updated_at: isoDate,
  system: z.boolean(),
  noteable_id: z.number().int(),
  noteable_type: z.literal("MergeRequest"),
  project_id: z.number().int(),
  resolvable: z.boolean(),
  confidential: z.boolean(),
  internal: z.boolean(),
  noteable_iid: z.number().int(),
  commands_changes: z.record(z.string(), z.unknown()),
});

/** GET /projects/:id/merge_requests (items). */
export const mergeRequestListItemShape = z.strictObject({
  id: z.number().int(),
  iid: z.number().int(),
  project_id: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  state: z.enum(["opened", "closed", "locked", "merged"]),
  imported: z.boolean(),
  imported_from: z.string(),
  merged_by: userShape.nullable(),
  merge_user: userShape.nullable(),
  merged_at: isoDate.nullable(),
  merge_after: isoDate.nullable(),
  prepared_at: isoDate.nullable(),
  closed_by: userShape.nullable(),
  closed_at: isoDate.nullable(),
  created_at: isoDate,
  updated_at: isoDate,
  target_branch: z.string(),
  source_branch: z.string(),
  upvotes: z.number().int(),
  downvotes: z.number().int(),
  author: userShape,
  assignee: userShape.nullable(),
  assignees: z.array(userShape),
  reviewers: z.array(userShape),
  source_project_id: z.number().int(),
  target_project_id: z.number().int(),
  labels: z.array(z.string()),
  draft: z.boolean(),
  work_in_progress: z.boolean(),
  milestone: z.null(),
  merge_when_pipeline_succeeds: z.boolean(),
  merge_status: z.enum(["unchecked", "checking", "can_be_merged", "cannot_be_merged", "cannot_be_merged_recheck"]),
  detailed_merge_status: z.enum([
    "approvals_syncing",
    "checking",
    "ci_must_pass",
    "ci_still_running",
    "commits_status",
    "conflict",
    "discussions_not_resolved",
    "draft_status",
    "jira_association_missing",
    "mergeable",
    "merge_request_blocked",
    "merge_time",
    "need_rebase",
    "not_approved",
    "not_open",
    "preparing",
    "requested_changes",
    "security_policy_violations",
    "status_checks_must_pass",
    "unchecked",
    "locked_paths",
    "locked_lfs_files",
    "title_regex",
  ]),
  sha: sha.nullable(),
  merge_commit_sha: sha.nullable(),
  squash_commit_sha: sha.nullable(),
  user_notes_count: z.number().int(),
  discussion_locked: z.boolean().nullable(),
  should_remove_source_branch: z.boolean().nullable(),
  force_remove_source_branch: z.boolean().nullable(),
  allow_collaboration: z.boolean(),
  allow_maintainer_to_push: z.boolean(),
  web_url: webUrl,
  references: z.strictObject({ short: z.string(), relative: z.string(), full: z.string() }),
  reference: z.string(),
  time_stats: z.strictObject({
    time_estimate: z.number().int(),
    total_time_spent: z.number().int(),
    human_time_estimate: z.string().nullable(),
    human_total_time_spent: z.string().nullable(),
  }),
  squash: z.boolean(),
  squash_on_merge: z.boolean(),
  task_completion_status: z.strictObject({ count: z.number().int(), completed_count: z.number().int() }),
  has_conflicts: z.boolean(),
  blocking_discussions_resolved: z.boolean(),
});

/** GET, POST and PUT /projects/:id/merge_requests/:iid, PUT …/merge: the single merge request. */
export const mergeRequestShape = mergeRequestListItemShape.extend({
  subscribed: z.boolean(),
  changes_count: z.string().nullable(),
  latest_build_started_at: isoDate.nullable(),
  latest_build_finished_at: isoDate.nullable(),
  first_deployed_to_production_at: isoDate.nullable(),
  pipeline: pipelineShape.nullable(),
  head_pipeline: pipelineShape.nullable(),
  diff_refs: z.strictObject({ base_sha: sha, head_sha: sha, start_sha: sha }).nullable(),
  merge_error: z.string().nullable(),
  first_contribution: z.boolean(),
  user: z.strictObject({ can_merge: z.boolean() }),
});

/** GET /projects/:id/merge_requests/:iid/approvals */
export const approvalsShape = z.strictObject({
  id: z.number().int(),
  iid: z.number().int(),
  project_id: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  state: z.enum(["opened", "closed", "locked", "merged"]),
  created_at: isoDate,
  updated_at: isoDate,
  merge_status: z.string(),
  approved: z.boolean(),
  approvals_required: z.number().int(),
  approvals_left: z.number().int(),
  require_password_to_approve: z.boolean(),
  approved_by: z.array(z.strictObject({ user: userShape.omit({ locked: true }) })),
  suggested_approvers: z.array(userShape),
  approvers: z.array(z.unknown()),
  approver_groups: z.array(z.unknown()),
  user_has_approved: z.boolean(),
  user_can_approve: z.boolean(),
  approval_rules_left: z.array(z.unknown()),
  has_approval_rules: z.boolean(),
  merge_request_approvers_available: z.boolean(),
  multiple_approval_rules_available: z.boolean(),
  invalid_approvers_rules: z.array(z.unknown()),
});

const ruleUserShape = userShape.omit({ locked: true });

/**
 * GET /projects/:id/merge_requests/:iid/approval_state (merge_request_approvals.html, "Get the approval
 * state of merge requests"): every rule, whether it is satisfied, and who approved under it.
 */
export const approvalStateShape = z.strictObject({
  approval_rules_overwritten: z.boolean(),
  rules: z.array(
    z.strictObject({
      id: z.number().int(),
      name: z.string(),
      rule_type: z.enum(["regular", "any_approver", "code_owner", "report_approver"]),
      eligible_approvers: z.array(ruleUserShape),
      approvals_required: z.number().int(),
      users: z.array(ruleUserShape),
      groups: z.array(z.unknown()),
      contains_hidden_groups: z.boolean(),
      approved_by: z.array(ruleUserShape),
      source_rule: z.unknown().nullable(),
      approved: z.boolean(),
      overridden: z.boolean(),
    }),
  ),
});

/** Offset pagination headers (rest/#pagination-link-header and other headers). */
export const offsetPaginationHeaders = z.object({
  "x-page": z.string().regex(/^\d+$/),
  "x-per-page": z.string().regex(/^\d+$/),
  "x-next-page": z.string().regex(/^\d*$/),
  "x-prev-page": z.string().regex(/^\d*$/),
  "x-total": z.string().regex(/^\d+$/),
  "x-total-pages": z.string().regex(/^\d+$/),
  link: z.string().regex(/^(<[^>]+>; rel="(next|prev|first|last)")(, <[^>]+>; rel="(next|prev|first|last)")*$/),
});

/** Keyset pagination: only a Link header, `rel="next"` while there are more. */
export const keysetPaginationHeaders = z.object({
  link: z.string().regex(/^<[^>]+>; rel="next"$/).optional(),
});

export type ResponseShape = z.ZodType;
