// The forges of the e2e run: the GitHub and GitLab test servers (every request and response checked
// against GitHub's OpenAPI description / GitLab's documented shapes) on fixed ports, each holding the
// demo payments-gitops history, and — like real forges — delivering signed webhooks to the portal
// when a pull/merge request is merged, by anyone, through the API. A small control endpoint lets
// Playwright wait for readiness and lets the specs read what the servers saw.
//
//   node --import tsx e2e/forges/serve-forges.ts      (started by playwright.forges.config.ts)
import http from "node:http";
import { demoHistory, seedGitHub, seedGitLab } from "../../lib/changes/testing/forge-setup";
import { githubPullRequestClosed, githubPush, gitlabMergeRequestHook, gitlabPushHook, type WebhookDelivery } from "../../lib/changes/testing/forge-webhooks";
import { GitHubTestServer } from "../../lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "../../lib/scm/gitlab/testing/gitlab-test-server";
import { forgePorts, forgeUrls, GITHUB, GITLAB, OAUTH, type Forge, type SentDelivery, type ServedRequest, type Violations } from "./forges";

const ports = forgePorts();
const urls = forgeUrls(ports);

function say(line: string): void {
  console.log(`forges: ${line}`);
}

const github = await GitHubTestServer.start({ owner: GITHUB.owner, repo: GITHUB.repo, auth: { kind: "token", token: GITHUB.token }, port: ports.github });
const gitlab = await GitLabTestServer.start({ projectPath: GITLAB.projectPath, token: GITLAB.token, defaultBranch: GITLAB.defaultBranch, port: ports.gitlab });
if (github.repositoryUrl !== urls.githubRepository || gitlab.projectUrl !== urls.gitlabProject) {
  throw new Error(`the test servers are not where the portal is told they are: ${github.repositoryUrl}, ${gitlab.projectUrl}`);
}
// Sign-in with each forge (e2e/forges/sign-in.spec.ts).
github.enableOAuth({ ...OAUTH.github, redirectUri: `${urls.portal}/signin/github/callback` }, OAUTH.githubUsers.map((u) => ({ ...u, teams: [...u.teams] })));
gitlab.enableOAuth({ ...OAUTH.gitlab, redirectUri: `${urls.portal}/signin/gitlab/callback` }, OAUTH.gitlabUsers.map((u) => ({ ...u, groups: [...u.groups] })));
const history = await demoHistory("payments-gitops");
seedGitHub(github, history);
seedGitLab(gitlab, history);

// ---- webhooks ----

const sent: SentDelivery[] = [];
/** Deliveries go out one after another, in the order the forge produced them (GitHub: pull_request, then push). */
let queue: Promise<void> = Promise.resolve();

function deliver(forge: Forge, deliveries: WebhookDelivery[]): void {
  queue = queue.then(async () => {
    for (const delivery of deliveries) sent.push(await post(forge, delivery));
  });
}

async function post(forge: Forge, delivery: WebhookDelivery): Promise<SentDelivery> {
  const record = { forge, event: delivery.event, id: delivery.id };
  try {
    // GitHub and GitLab give up on a delivery after 10 seconds.
    const response = await fetch(`${urls.portal}${delivery.path}`, { method: "POST", headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text.
    }
    say(`${forge} ${delivery.event} ${delivery.id} → ${response.status} ${text}`);
    return { ...record, status: response.status, response: body };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    say(`${forge} ${delivery.event} ${delivery.id} could not be delivered: ${message}`);
    return { ...record, status: 0, response: message };
  }
}

const githubRepository = { owner: GITHUB.owner, repo: GITHUB.repo, repositoryUrl: github.repositoryUrl, defaultBranch: GITHUB.defaultBranch };
github.onEvent = ({ pull, before, after }) => {
  const facts = { number: pull.number, head: pull.head, headSha: pull.headSha, base: pull.base, merged: true, mergedAt: pull.mergedAt, mergeCommitSha: pull.mergeCommitSha };
  // GitHub announces the merge and the push of the merge commit to the base branch.
  deliver("github", [
    githubPullRequestClosed(githubRepository, facts, { secret: GITHUB.webhookSecret }),
    githubPush(githubRepository, pull.base, before, after, { secret: GITHUB.webhookSecret }),
  ]);
};

const gitlabProject = { id: gitlab.projectId, path: gitlab.projectPath, webUrl: gitlab.projectUrl };
gitlab.onEvent = ({ mergeRequest: mr, before, after }) => {
  const facts = {
    iid: mr.iid,
    title: mr.title,
    sourceBranch: mr.sourceBranch,
    targetBranch: mr.targetBranch,
    state: mr.state,
    action: "merge",
    mergeCommitSha: mr.mergeCommitSha,
    lastCommitSha: mr.finalSha,
  };
  // GitLab sends the push of the merge commit and the merge request's "merge" event.
  deliver("gitlab", [
    gitlabMergeRequestHook(gitlabProject, facts, { token: GITLAB.webhookToken }),
    gitlabPushHook(gitlabProject, mr.targetBranch, before, after, { token: GITLAB.webhookToken }),
  ]);
};

// ---- control ----

function requests(forge: Forge): ServedRequest[] {
  if (forge === "github") return github.requests.map((r) => ({ method: r.method, path: r.path, operation: r.operationId, git: r.git === true }));
  return gitlab.requests.map((r) => ({ method: r.method, path: r.path, operation: null, git: r.git === true }));
}

/**
 * GitHub: branch protection requires check "build", which runs or passed on the open pull request's head; GitLab: its head pipeline.
 * `branch`: the open change request from that branch (else the first open one).
 */
function setCi(forge: Forge, state: "pending" | "success", branch: string | null): string | null {
  if (forge === "github") {
    const pull = [...github.pulls.values()].find((p) => p.state === "open" && (branch === null || p.head === branch));
    const head = pull ? github.git.refs.get(`refs/heads/${pull.head}`) : undefined;
    if (!head) return null;
    github.protection.set(GITHUB.defaultBranch, { requiredChecks: ["build"], requiredApprovals: 0, adminReadable: true });
    // Reported as CI does, so a pull request with auto-merge on is merged (and announced) once "build" passes.
    github.reportChecks(head, [{ name: "build", status: state === "pending" ? "in_progress" : "completed", conclusion: state === "pending" ? null : "success" }]);
    return head;
  }
  const mr = [...gitlab.mergeRequests.values()].find((m) => m.state === "opened" && (branch === null || m.sourceBranch === branch));
  if (!mr) return null;
  gitlab.setPipeline(mr.iid, state === "pending" ? "running" : "success");
  return mr.iid.toString();
}

const control = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", urls.control);
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const forge = url.searchParams.get("forge");
  // CI as the forge would report it on the open change request's head: what the merge gates show.
  if (req.method === "POST" && url.pathname === "/ci") {
    const state = url.searchParams.get("state");
    if ((forge !== "github" && forge !== "gitlab") || (state !== "pending" && state !== "success")) return json(400, { error: "?forge=github|gitlab&state=pending|success" });
    return json(200, { head: setCi(forge, state, url.searchParams.get("branch")) });
  }
  if (req.method !== "GET") return json(405, { error: "read-only" });
  switch (url.pathname) {
    case "/health":
      return json(200, { ok: true });
    case "/violations":
      return json(200, { github: github.violations, gitlab: gitlab.shapeErrors } satisfies Violations);
    case "/requests":
      if (forge !== "github" && forge !== "gitlab") return json(400, { error: "?forge=github|gitlab" });
      return json(200, requests(forge));
    case "/deliveries":
      return json(200, sent);
    default:
      return json(404, { error: "not found" });
  }
});
await new Promise<void>((resolve, reject) => {
  control.once("error", reject);
  control.listen(ports.control, "127.0.0.1", () => resolve());
});
say(`GitHub ${github.repositoryUrl} (API ${github.apiUrl}), GitLab ${gitlab.projectUrl}, control ${urls.control}; webhooks to ${urls.portal}`);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Deliveries under way finish first (each gives up after 10 s).
  await queue;
  await Promise.all([new Promise<void>((resolve) => control.close(() => resolve())), github.close(), gitlab.close()]);
  say(`stopped (${signal})`);
  process.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, (s) => void stop(s));
