// GitLab webhook payloads shaped like the examples in GitLab's webhook events documentation
// (trimmed to the fields around those Ferry reads), for tests.

export interface TestProject {
  id: number;
  path: string;
  webUrl: string;
}

function project(p: TestProject) {
  return {
    id: p.id,
    name: p.path.split("/").pop(),
    description: "",
    web_url: p.webUrl,
    avatar_url: null,
    git_ssh_url: `git@example.com:${p.path}.git`,
    git_http_url: `${p.webUrl}.git`,
    namespace: p.path.split("/")[0],
    visibility_level: 0,
    path_with_namespace: p.path,
    default_branch: "main",
    ci_config_path: null,
    homepage: p.webUrl,
    url: `git@example.com:${p.path}.git`,
    ssh_url: `git@example.com:${p.path}.git`,
    http_url: `${p.webUrl}.git`,
  };
}

export function pushPayload(p: TestProject, ref: string) {
  return {
    object_kind: "push",
    event_name: "push",
    before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
    after: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    ref,
    ref_protected: true,
    checkout_sha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    message: null,
    user_id: 4,
    user_name: "John Smith",
    user_username: "jsmith",
    user_email: "john@example.com",
    user_avatar: null,
    project_id: p.id,
    project: project(p),
    commits: [],
    total_commits_count: 0,
    push_options: {},
    repository: { name: p.path.split("/").pop(), url: `git@example.com:${p.path}.git`, description: "", homepage: p.webUrl },
  };
}

export function mergeRequestPayload(p: TestProject, iid: number, action = "update") {
  return {
    object_kind: "merge_request",
    event_type: "merge_request",
    user: { id: 1, name: "Administrator", username: "root", avatar_url: null, email: "admin@example.com" },
    project: project(p),
    object_attributes: {
      id: 99,
      iid,
      target_branch: "main",
      source_branch: "ferry/promote/checkout/production",
      source_project_id: p.id,
      target_project_id: p.id,
      title: "Promote checkout to production",
      state: "opened",
      action,
      url: `${p.webUrl}/-/merge_requests/${iid}`,
      draft: false,
    },
    labels: [],
    changes: {},
    repository: { name: p.path.split("/").pop(), url: `git@example.com:${p.path}.git`, description: "", homepage: p.webUrl },
  };
}

export function pipelinePayload(p: TestProject, iid: number | null) {
  return {
    object_kind: "pipeline",
    object_attributes: { id: 31, iid: 3, ref: "ferry/promote/checkout/production", tag: false, sha: "bcbb5ec396a2c0f828686f14fac9b80b780504f2", status: "success", detailed_status: "passed", source: "merge_request_event" },
    merge_request: iid === null ? null : { id: 1, iid, title: "Promote checkout", source_branch: "ferry/promote/checkout/production", target_branch: "main", state: "opened", merge_status: "can_be_merged", url: `${p.webUrl}/-/merge_requests/${iid}` },
    user: { id: 1, name: "Administrator", username: "root", avatar_url: null, email: "admin@example.com" },
    project: project(p),
    commit: null,
    builds: [],
  };
}
