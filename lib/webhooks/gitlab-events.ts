import { z } from "zod";
import { normaliseProjectUrl, parseGitLabUrl } from "@/lib/scm/gitlab/location";

// What a GitLab webhook delivery asks the portal to do, decided without I/O: which configured
// repositories it is about, which need a sync, which change requests need a refresh. Payload fields
// are the ones GitLab documents for Push, Merge Request and Pipeline events; everything else in a
// payload is ignored.

const projectSchema = z.object({
  path_with_namespace: z.string().optional(),
  web_url: z.string().optional(),
});

const pushSchema = z.object({
  object_kind: z.literal("push"),
  ref: z.string(),
  project: projectSchema,
});

const mergeRequestSchema = z.object({
  object_kind: z.literal("merge_request"),
  project: projectSchema,
  object_attributes: z.object({ iid: z.number().int().positive() }),
});

const pipelineSchema = z.object({
  object_kind: z.literal("pipeline"),
  project: projectSchema,
  merge_request: z.object({ iid: z.number().int().positive() }).nullable().optional(),
});

/** A comment: only one on a merge request matters (a reviewer's word can change its gates). */
const noteSchema = z.object({
  object_kind: z.literal("note"),
  project: projectSchema,
  merge_request: z.object({ iid: z.number().int().positive() }).nullable().optional(),
});

/** A configured GitLab repository as the database holds it. */
export interface GitLabRepositoryRow {
  name: string;
  url: string;
  defaultBranch: string;
}

export interface DeliveryPlan {
  /** Configured repositories the delivery is about. */
  repositories: string[];
  syncs: string[];
  refreshes: { repository: string; number: number }[];
  /** Why nothing is to be done, when nothing is. */
  ignored?: string;
}

/** Decides what a delivery of `event` (the X-Gitlab-Event header) with `payload` means. */
export function planGitLabDelivery(event: string, payload: unknown, rows: readonly GitLabRepositoryRow[], apiUrl?: string): DeliveryPlan {
  const none = (ignored: string): DeliveryPlan => ({ repositories: [], syncs: [], refreshes: [], ignored });
  switch (event) {
    case "Push Hook": {
      const push = pushSchema.safeParse(payload);
      if (!push.success) return none("not a push event payload");
      const matched = matchProject(push.data.project, rows, apiUrl);
      if (matched.length === 0) return none("no configured repository for this project");
      const branch = push.data.ref.startsWith("refs/heads/") ? push.data.ref.slice("refs/heads/".length) : null;
      const syncs = matched.filter((r) => r.defaultBranch === branch).map((r) => r.name);
      return { repositories: matched.map((r) => r.name), syncs, refreshes: [], ...(syncs.length ? {} : { ignored: `push to ${push.data.ref}, not a default branch` }) };
    }
    case "Merge Request Hook": {
      const mr = mergeRequestSchema.safeParse(payload);
      if (!mr.success) return none("not a merge request event payload");
      const matched = matchProject(mr.data.project, rows, apiUrl);
      if (matched.length === 0) return none("no configured repository for this project");
      const number = mr.data.object_attributes.iid;
      return { repositories: matched.map((r) => r.name), syncs: [], refreshes: matched.map((r) => ({ repository: r.name, number })) };
    }
    case "Pipeline Hook": {
      const pipeline = pipelineSchema.safeParse(payload);
      if (!pipeline.success) return none("not a pipeline event payload");
      const iid = pipeline.data.merge_request?.iid;
      if (!iid) return none("pipeline without a merge request");
      const matched = matchProject(pipeline.data.project, rows, apiUrl);
      if (matched.length === 0) return none("no configured repository for this project");
      return { repositories: matched.map((r) => r.name), syncs: [], refreshes: matched.map((r) => ({ repository: r.name, number: iid })) };
    }
    case "Note Hook": {
      const note = noteSchema.safeParse(payload);
      if (!note.success) return none("not a note event payload");
      const iid = note.data.merge_request?.iid;
      if (!iid) return none("a comment on something other than a merge request");
      const matched = matchProject(note.data.project, rows, apiUrl);
      if (matched.length === 0) return none("no configured repository for this project");
      return { repositories: matched.map((r) => r.name), syncs: [], refreshes: matched.map((r) => ({ repository: r.name, number: iid })) };
    }
    default:
      return none(`event "${event}" is not used`);
  }
}

/**
 * The configured repositories of a payload's project: by web address first; by project path when
 * no address matches (GitLab behind a proxy or reached through FERRY_GITLAB_URL reports another host).
 */
function matchProject(project: z.infer<typeof projectSchema>, rows: readonly GitLabRepositoryRow[], apiUrl?: string): GitLabRepositoryRow[] {
  const web = project.web_url ? normaliseProjectUrl(project.web_url) : null;
  if (web) {
    const byUrl = rows.filter((r) => normaliseProjectUrl(r.url) === web);
    if (byUrl.length > 0) return byUrl;
  }
  const path = project.path_with_namespace?.toLowerCase();
  if (!path) return [];
  return rows.filter((r) => projectPathOf(r.url, apiUrl) === path);
}

function projectPathOf(url: string, apiUrl?: string): string | null {
  try {
    return parseGitLabUrl(url, apiUrl).projectPath.toLowerCase();
  } catch {
    return null;
  }
}
