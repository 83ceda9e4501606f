import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { mergeRequestPayload, pushPayload } from "@/lib/webhooks/gitlab-test-payloads";

// Webhook deliveries as GitHub and GitLab send them, for tests that play the forge: GitHub's own
// example payloads (@octokit/webhooks-examples) pointed at the test repository and signed with
// X-Hub-Signature-256 over the exact bytes sent; GitLab's documented payloads
// (lib/webhooks/gitlab-test-payloads.ts) with the X-Gitlab-Token header. Built from plain values, so a
// process that only talks to a test server over HTTP (a Playwright spec) can build them too.

export interface WebhookDelivery {
  /** Where the portal receives it. */
  path: "/api/webhooks/github" | "/api/webhooks/gitlab";
  event: string;
  /** X-GitHub-Delivery, or GitLab's X-Gitlab-Event-UUID and Idempotency-Key. */
  id: string;
  headers: Record<string, string>;
  /** The exact bytes sent (GitHub signs these). */
  body: string;
}

export interface GitHubRepositoryRef {
  owner: string;
  repo: string;
  /** The repository's web address (what Ferry's config holds). */
  repositoryUrl: string;
  defaultBranch: string;
}

/** A pull request as a `pull_request` event describes it. */
export interface GitHubPullFacts {
  number: number;
  head: string;
  headSha: string;
  base: string;
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
}

export interface GitLabProjectRef {
  id: number;
  /** Full path, e.g. acme/platform/gitops. */
  path: string;
  /** The project's web address (what Ferry's config holds). */
  webUrl: string;
}

/** A merge request as a Merge Request Hook describes it. */
export interface GitLabMergeRequestFacts {
  iid: number;
  title: string;
  sourceBranch: string;
  targetBranch: string;
  state: "opened" | "closed" | "merged";
  action: string;
  mergeCommitSha: string | null;
  lastCommitSha: string | null;
}

const require = createRequire(import.meta.url);

type Payload = Record<string, unknown>;

function record(value: unknown): Payload {
  return typeof value === "object" && value !== null ? (value as Payload) : {};
}

function githubExample(name: string, pick: (e: Payload) => boolean): Payload {
  // JSON, loaded with require so that it works the same under tsx, vitest and Playwright.
  const definitions = require("@octokit/webhooks-examples") as { name: string; examples: Payload[] }[];
  const found = definitions.find((d) => d.name === name)?.examples.find(pick);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${name} example`);
  return structuredClone(found);
}

/** GitHub's example payload, pointed at `repo`. */
function atRepository(payload: Payload, repo: GitHubRepositoryRef): Payload {
  const repository = record(payload.repository);
  return {
    ...payload,
    repository: { ...repository, name: repo.repo, full_name: `${repo.owner}/${repo.repo}`, html_url: repo.repositoryUrl, default_branch: repo.defaultBranch },
  };
}

function githubDelivery(event: string, payload: Payload, secret: string, id: string): WebhookDelivery {
  const body = JSON.stringify(payload);
  return {
    path: "/api/webhooks/github",
    event,
    id,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/ferry-test",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
    body,
  };
}

/** `pull_request` with action `closed` (merged or not), signed with `secret`. */
export function githubPullRequestClosed(repo: GitHubRepositoryRef, pull: GitHubPullFacts, opts: { secret: string; id?: string }): WebhookDelivery {
  const template = githubExample("pull_request", (e) => e.action === "closed");
  const pr = record(template.pull_request);
  const payload = atRepository(
    {
      ...template,
      action: "closed",
      number: pull.number,
      pull_request: {
        ...pr,
        number: pull.number,
        state: "closed",
        merged: pull.merged,
        merged_at: pull.mergedAt,
        merge_commit_sha: pull.mergeCommitSha,
        html_url: `${repo.repositoryUrl}/pull/${pull.number}`,
        head: { ...record(pr.head), ref: pull.head, sha: pull.headSha },
        base: { ...record(pr.base), ref: pull.base },
      },
    },
    repo,
  );
  return githubDelivery("pull_request", payload, opts.secret, opts.id ?? randomUUID());
}

/** `push` to `branch`, from `before` to `after`, signed with `secret`. */
export function githubPush(repo: GitHubRepositoryRef, branch: string, before: string, after: string, opts: { secret: string; id?: string }): WebhookDelivery {
  const template = githubExample("push", (e) => e.ref === "refs/heads/master");
  const payload = atRepository({ ...template, ref: `refs/heads/${branch}`, before, after, head_commit: { ...record(template.head_commit), id: after } }, repo);
  return githubDelivery("push", payload, opts.secret, opts.id ?? randomUUID());
}

function gitlabDelivery(event: string, payload: unknown, token: string, id: string): WebhookDelivery {
  return {
    path: "/api/webhooks/gitlab",
    event,
    id,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitLab/ferry-test",
      "x-gitlab-event": event,
      "x-gitlab-token": token,
      "x-gitlab-event-uuid": id,
      "idempotency-key": id,
    },
    body: JSON.stringify(payload),
  };
}

/** Merge Request Hook for `mr`, with `token` as X-Gitlab-Token. */
export function gitlabMergeRequestHook(project: GitLabProjectRef, mr: GitLabMergeRequestFacts, opts: { token: string; id?: string }): WebhookDelivery {
  const payload = mergeRequestPayload(project, mr.iid, mr.action);
  const attributes = {
    ...payload.object_attributes,
    title: mr.title,
    source_branch: mr.sourceBranch,
    target_branch: mr.targetBranch,
    state: mr.state,
    merge_commit_sha: mr.mergeCommitSha,
    last_commit: { id: mr.lastCommitSha },
  };
  return gitlabDelivery("Merge Request Hook", { ...payload, object_attributes: attributes }, opts.token, opts.id ?? randomUUID());
}

/** Push Hook to `branch`, from `before` to `after`, with `token` as X-Gitlab-Token. */
export function gitlabPushHook(project: GitLabProjectRef, branch: string, before: string, after: string, opts: { token: string; id?: string }): WebhookDelivery {
  const payload = { ...pushPayload(project, `refs/heads/${branch}`), before, after, checkout_sha: after };
  return gitlabDelivery("Push Hook", payload, opts.token, opts.id ?? randomUUID());
}
