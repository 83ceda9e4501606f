import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { z } from "zod";
import { basicPassword, gitServiceOf, ServedGitRepository, type GitService } from "../../testing/served-git-repository";
import { formOf, OAuthTestApp, sendOAuth, type OAuthTestAppOptions, type OAuthTestUser } from "../../testing/oauth-test-app";
import { GitModel, type ModelCommit, type ModelFile } from "./git-model";
import { currentUserShape, groupShape, tokenShape } from "./oauth-shapes";
import {
  approvalStateShape,
  approvalsShape,
  blobShape,
  branchShape,
  commitDetailShape,
  commitShape,
  errorShape,
  keysetPaginationHeaders,
  mergeRequestListItemShape,
  mergeRequestShape,
  noteShape,
  offsetPaginationHeaders,
  treeItemShape,
} from "./shapes";

// A local stand-in for GitLab's REST API v4, over an in-memory git model, for contract tests of the
// GitLab provider with the real gitbeaker client. It serves only the endpoints Ferry uses, with the
// status codes, messages, pagination headers and body shapes GitLab documents; every body it sends
// is validated against ./shapes.ts first, and a mismatch is answered with 500 and recorded in
// `shapeErrors`, so a test that reaches it fails. Requests are recorded for counting.

export interface RecordedRequest {
  method: string;
  /** Path below /api/v4, segments decoded, e.g. `projects/acme/gitops/repository/branches/main`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** Git smart HTTP (path `<project>.git/info/refs` or `<project>.git/git-upload-pack`): not an API call. */
  git?: true;
  /** Response body bytes (git smart HTTP requests). */
  bytes?: number;
}

/** An answer to give instead of the real one, `times` times, to requests that match. */
export interface Fault {
  method?: string;
  /** Tested against `RecordedRequest.path`. */
  path?: RegExp;
  times: number;
  /** Required unless the fault hangs. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /**
   * Instead of `status`, never answer: "request" — the request is not handled at all (GitLab hung
   * before acting); "response" — it is handled and its effect is kept, but the answer never comes
   * (GitLab acted, the response was lost). The connection stays open until the server closes.
   */
  hang?: "request" | "response";
}

export interface ServerMergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string;
  state: "opened" | "closed" | "merged";
  sourceBranch: string;
  targetBranch: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
  closedAt: string | null;
  mergeCommitSha: string | null;
  squashCommitSha: string | null;
  /** Head when merged or closed (the branch may be gone since). */
  finalSha: string | null;
  pipeline: { id: number; status: string; sha: string } | null;
  approvedBy: string[];
  approvalsRequired: number;
  /**
   * Approval rules (GitLab Premium): each needs `approvalsRequired` approvals from `eligible` (anyone
   * when empty). Without rules, `approvalsRequired` > 0 acts as GitLab's "All Members" rule.
   */
  approvalRules?: { name: string; approvalsRequired: number; eligible: string[] }[];
  requestedChanges: boolean;
  /** Auto-merge ("merge when pipeline succeeds"), set through `PUT …/merge`: who set it. The server merges once the MR is ready. */
  autoMergeBy?: string | null;
}

export interface GitLabTestServerOptions {
  projectPath?: string;
  token?: string;
  defaultBranch?: string;
  /** Where to listen on 127.0.0.1; 0 (the default) picks a free port. */
  port?: number;
}

/**
 * A state change GitLab announces with webhooks, reported to `onEvent` after the server made it
 * (the listener decides what to deliver, and delivers asynchronously, as GitLab does).
 */
export type GitLabServerEvent = {
  kind: "merge_request.merged";
  mergeRequest: ServerMergeRequest;
  /** The target branch's head before and after the merge (a push event's `before`/`after`). */
  before: string;
  after: string;
};

const PROJECT_ID = 42;
const BOT = { id: 7, username: "ferry-bot", name: "Ferry Bot" };

export class GitLabTestServer {
  readonly model = new GitModel();
  readonly requests: RecordedRequest[] = [];
  readonly shapeErrors: string[] = [];
  readonly mergeRequests = new Map<number, ServerMergeRequest>();
  /** Notes (comments) on each merge request, oldest first. */
  readonly notes = new Map<number, string[]>();
  readonly projectPath: string;
  /** The project's numeric id, as GitLab's API and webhook payloads report it. */
  readonly projectId = PROJECT_ID;
  readonly token: string;
  readonly defaultBranch: string;
  /** Called after a commit object is made and before its branch is moved: a test can race here. */
  beforeRefUpdate: ((branch: string) => void) | null = null;
  /** Simulates a server that ignores start_sha and builds on the default branch's head. */
  ignoreStartSha = false;
  /** Told of every state change a webhook would report (e.g. to deliver webhooks, as the e2e forge does). */
  onEvent: ((event: GitLabServerEvent) => void) | null = null;
  private readonly faults: Fault[] = [];
  private oauth: OAuthTestApp | null = null;
  private readonly userGroups = new Map<string, string[]>();
  private server: http.Server | null = null;
  private served: ServedGitRepository | null = null;
  private origin = "";
  private nextMrId = 1000;
  private nextPipelineId = 500;

  private constructor(opts: GitLabTestServerOptions) {
    this.projectPath = opts.projectPath ?? "acme/platform/gitops";
    this.token = opts.token ?? "glpat-test-token-0123456789";
    this.defaultBranch = opts.defaultBranch ?? "main";
  }

  static async start(opts: GitLabTestServerOptions = {}): Promise<GitLabTestServer> {
    const instance = new GitLabTestServer(opts);
    const server = http.createServer((req, res) => {
      instance.handle(req, res).catch((error: unknown) => {
        instance.shapeErrors.push(`handler crashed: ${error instanceof Error ? error.stack : String(error)}`);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "500 Internal Server Error" }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    instance.server = server;
    instance.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return instance;
  }

  /** Base URL to give gitbeaker as `host`. */
  get url(): string {
    return this.origin;
  }

  /** The project's web address, as configured in Ferry. */
  get projectUrl(): string {
    return `${this.origin}/${this.projectPath}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    // Hung requests (fault.hang) keep their connections open: drop them, or close would wait forever.
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.served?.close();
  }

  /**
   * Sign-in with GitLab (an OAuth application): /oauth/authorize shows a page to pick one of `users`,
   * /oauth/token hands out user tokens, which GET /api/v4/user and GET /api/v4/groups accept; each
   * user is a member of the groups given by full path.
   */
  enableOAuth(options: OAuthTestAppOptions, users: readonly (OAuthTestUser & { groups: string[] })[]): OAuthTestApp {
    this.oauth = new OAuthTestApp(options, users);
    for (const user of users) this.userGroups.set(user.login, user.groups);
    return this.oauth;
  }

  fail(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  resetRequests(): void {
    this.requests.length = 0;
  }

  /** Test helper: a merge request as if opened on GitLab. */
  openMergeRequest(input: { sourceBranch: string; targetBranch?: string; title: string; description?: string }): ServerMergeRequest {
    const now = this.now();
    const iid = this.mergeRequests.size + 1;
    const mr: ServerMergeRequest = {
      id: this.nextMrId++,
      iid,
      title: input.title,
      description: input.description ?? "",
      state: "opened",
      sourceBranch: input.sourceBranch,
      targetBranch: input.targetBranch ?? this.defaultBranch,
      labels: [],
      createdAt: now,
      updatedAt: now,
      mergedAt: null,
      closedAt: null,
      mergeCommitSha: null,
      squashCommitSha: null,
      finalSha: null,
      pipeline: null,
      approvedBy: [],
      approvalsRequired: 0,
      requestedChanges: false,
    };
    this.mergeRequests.set(iid, mr);
    return mr;
  }

  setPipeline(iid: number, status: string): void {
    const mr = this.mustMr(iid);
    mr.pipeline = { id: this.nextPipelineId++, status, sha: this.headOf(mr) ?? "0".repeat(40) };
    this.settleAutoMerge();
  }

  /** Merges every merge request set to auto-merge that is ready now (after a pipeline or an approval changed), as GitLab does. */
  settleAutoMerge(): number[] {
    const merged: number[] = [];
    for (const mr of this.mergeRequests.values()) {
      if (mr.state !== "opened" || !mr.autoMergeBy || !this.readyToMerge(mr)) continue;
      const head = this.headOf(mr);
      const target = this.model.branches.get(mr.targetBranch);
      const files = head && target ? this.mergeFiles(target, head) : null;
      if (!head || !target || !files) continue;
      this.land(mr, head, target, files, {});
      merged.push(mr.iid);
    }
    return merged;
  }

  /** What auto-merge waits for: not a draft, no requested changes, every approval rule met, the head pipeline green (when there is one). */
  private readyToMerge(mr: ServerMergeRequest): boolean {
    const head = this.headOf(mr);
    return (
      !isDraft(mr.title) &&
      !mr.requestedChanges &&
      this.rulesOf(mr).every((rule) => rule.approved) &&
      (!mr.pipeline || (mr.pipeline.status === "success" && mr.pipeline.sha === head)) &&
      !this.conflicts(mr)
    );
  }

  // ---- HTTP ----

  private async handle(req: http.IncomingMessage, answer: http.ServerResponse): Promise<void> {
    let res = answer;
    const url = new URL(req.url ?? "/", this.origin);
    if (this.oauth && (url.pathname.startsWith("/oauth/") || url.pathname === "/api/v4/user" || url.pathname === "/api/v4/groups")) return this.serveOAuth(req, res, url);
    const service = gitServiceOf(url.pathname, this.projectPath);
    if (service) return this.serveGit(req, res, url, service);
    const raw = url.pathname.replace(/^\/api\/v4\//, "");
    const segments = raw.split("/").map((s) => decodeURIComponent(s));
    const body = await readJson(req);
    const method = req.method ?? "GET";
    this.requests.push({ method, path: segments.join("/"), query: url.searchParams, body });

    const fault = this.faults.find((f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(segments.join("/"))));
    if (fault) {
      fault.times--;
      if (fault.hang === "request") return;
      // Handled as usual, into a response nobody reads: the effect stays, the answer is lost.
      if (fault.hang === "response") res = discardedResponse();
      else {
        const status = fault.status ?? 500;
        return this.send(res, status, fault.body ?? { message: `${status} ${http.STATUS_CODES[status] ?? ""}`.trim() }, errorShape, fault.headers);
      }
    }
    if (!url.pathname.startsWith("/api/v4/")) return this.send(res, 404, { error: "404 Not Found" }, errorShape);
    if (req.headers["private-token"] !== this.token) return this.send(res, 401, { message: "401 Unauthorized" }, errorShape);
    // projects/:id/… where :id is the URL-encoded full path (one segment on the wire).
    const wire = raw.split("/");
    if (wire[0] !== "projects" || decodeURIComponent(wire[1] ?? "") !== this.projectPath) {
      return this.send(res, 404, { message: "404 Project Not Found" }, errorShape);
    }
    const rest = wire.slice(2).map((s) => decodeURIComponent(s));
    const q = url.searchParams;
    // Path parameters become ":" (branch names arrive as one %2F-encoded segment).
    const shape = rest.map((s, i) => ((rest[0] === "merge_requests" ? i === 1 : i === 2) ? ":" : s));
    const route = `${method} ${shape.join("/")}`;
    const param = (i: number) => rest[i] ?? "";
    const b = (body ?? {}) as Record<string, unknown>;

    switch (route) {
      case "GET repository/branches/:":
        return this.getBranch(res, param(2));
      case "DELETE repository/branches/:":
        return this.deleteBranch(res, param(2));
      case "GET repository/tree":
        return this.getTree(res, q);
      case "GET repository/blobs/:":
        return this.getBlob(res, param(2));
      case "GET repository/commits":
        return this.listCommits(res, q);
      case "POST repository/commits":
        return this.createCommit(res, b);
      case "GET repository/commits/:":
        return this.getCommit(res, param(2));
      case "GET merge_requests":
        return this.listMergeRequests(res, q);
      case "POST merge_requests":
        return this.createMergeRequest(res, b);
      case "GET merge_requests/:":
        return this.getMergeRequest(res, Number(param(1)));
      case "PUT merge_requests/:":
        return this.editMergeRequest(res, Number(param(1)), b);
      case "PUT merge_requests/:/merge":
        return this.acceptMergeRequest(res, Number(param(1)), b);
      case "POST merge_requests/:/cancel_merge_when_pipeline_succeeds":
        return this.cancelAutoMerge(res, Number(param(1)));
      case "GET merge_requests/:/approvals":
        return this.getApprovals(res, Number(param(1)));
      case "GET merge_requests/:/approval_state":
        return this.getApprovalState(res, Number(param(1)));
      case "POST merge_requests/:/notes":
        return this.createNote(res, Number(param(1)), b);
      default:
        return this.send(res, 404, { error: "404 Not Found" }, errorShape);
    }
  }

  /**
   * Git smart HTTP (clone and fetch; pushes are refused: Ferry writes through the API). The token goes
   * in as a Basic password, as GitLab takes it for git over HTTPS: 401 without one or with a wrong one.
   * Recorded like API calls; faults apply when their `path` matches the git path.
   */
  private async serveGit(req: http.IncomingMessage, res: http.ServerResponse, url: URL, service: GitService): Promise<void> {
    const entry: RecordedRequest = { method: req.method ?? "GET", path: url.pathname.slice(1), query: url.searchParams, body: undefined, git: true };
    this.requests.push(entry);
    const fault = this.faults.find((f) => f.times > 0 && f.path?.test(entry.path) && (!f.method || f.method === entry.method));
    const refuse = (status: number, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "text/plain", ...headers });
      res.end(`${message}\n`);
    };
    if (fault) {
      fault.times--;
      if (fault.hang) return;
      return refuse(fault.status ?? 500, "Injected failure");
    }
    const password = basicPassword(req.headers.authorization);
    if (password !== this.token) return refuse(401, "HTTP Basic: Access denied", { "www-authenticate": 'Basic realm="GitLab"' });
    if (service === "receive-pack" || url.searchParams.get("service") === "git-receive-pack") return refuse(403, "Pushes go through the API in this test server");
    this.served ??= new ServedGitRepository(this.projectPath);
    const refs = new Map([...[...this.model.branches].map(([b, sha]) => [`refs/heads/${b}`, sha] as const), ...[...this.model.tags].map(([t, sha]) => [`refs/tags/${t}`, sha] as const)]);
    const blobs = [...this.model.blobs].map(([sha, body]) => [sha, { type: "blob" as const, body }] as const);
    this.served.publish([...blobs, ...this.model.objects], refs, this.defaultBranch);
    entry.bytes = (await this.served.serve(req, res)).bytes;
  }

  /** The OAuth pages and the two API endpoints that take the signed-in user's token. */
  private async serveOAuth(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const oauth = this.oauth!;
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname.slice(1), query: url.searchParams, body: undefined });
    if (url.pathname === "/oauth/authorize" && method === "GET") return sendOAuth(res, oauth.authorizePage(url, "/oauth/authorize"));
    const body = method === "POST" ? await readJson(req) : null;
    const raw = typeof body === "string" ? body : JSON.stringify(body ?? {});
    if (url.pathname === "/oauth/authorize" && method === "POST") return sendOAuth(res, oauth.confirm(formOf(raw, req.headers["content-type"])));
    if (url.pathname === "/oauth/token" && method === "POST") {
      const answer = oauth.exchange(formOf(raw, req.headers["content-type"]), req.headers.authorization, "gitlab");
      return this.send(res, answer.status, answer.body, tokenShape);
    }
    const user = oauth.userForToken(req.headers.authorization);
    if (!user) return this.send(res, 401, { message: "401 Unauthorized" }, errorShape);
    if (url.pathname === "/api/v4/user") {
      const at = this.now();
      const email = user.email ?? `${user.login}@example.com`;
      const body = { id: user.id, username: user.login, name: user.name, state: "active", locked: false, avatar_url: null, web_url: `${this.origin}/${user.login}`, created_at: at, public_email: null, bot: false, email, commit_email: email, two_factor_enabled: false, external: false, private_profile: false };
      return this.send(res, 200, body, currentUserShape);
    }
    // GET /groups?min_access_level=…: the groups the user is a member of (parents listed too, as GitLab does).
    if (url.searchParams.get("min_access_level") === null) this.shapeErrors.push("GET /groups without min_access_level lists every visible group, not the user's memberships");
    const groups = (this.userGroups.get(user.login) ?? []).map((fullPath, i) => {
      const path = fullPath.split("/").at(-1)!;
      return { id: 9000 + i, web_url: `${this.origin}/groups/${fullPath}`, name: path, path, description: "", visibility: "private", full_name: fullPath.split("/").join(" / "), full_path: fullPath, parent_id: null, created_at: this.now(), avatar_url: null };
    });
    this.sendList(res, groups, groupShape, url.searchParams, "/groups");
  }

  private send(res: http.ServerResponse, status: number, body: unknown, shape: z.ZodType | null, headers: Record<string, string> = {}, headerShape?: z.ZodType): void {
    const problems: string[] = [];
    if (shape) {
      const parsed = shape.safeParse(body);
      if (!parsed.success) problems.push(`${status} body: ${parsed.error.message}`);
    }
    if (headerShape) {
      const parsed = headerShape.safeParse(headers);
      if (!parsed.success) problems.push(`${status} headers: ${parsed.error.message}`);
    }
    if (problems.length > 0) {
      this.shapeErrors.push(...problems);
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "test server sent a response that does not match GitLab's documented shape" }));
      return;
    }
    if (status === 204) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  private sendList<T>(res: http.ServerResponse, items: T[], itemShape: z.ZodType, q: URLSearchParams, path: string): void {
    const perPage = Math.min(100, Math.max(1, Number(q.get("per_page") ?? 20) || 20));
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const page = Math.min(Math.max(1, Number(q.get("page") ?? 1) || 1), totalPages);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number) => {
      const params = new URLSearchParams(q);
      params.set("page", String(p));
      params.set("per_page", String(perPage));
      // A path starting with "/" is below /api/v4 itself (GET /groups), others below the project.
      const below = path.startsWith("/") ? path.slice(1) : `projects/${encodeURIComponent(this.projectPath)}/${path}`;
      return `<${this.origin}/api/v4/${below}?${params}>`;
    };
    const links = [
      ...(page > 1 ? [`${link(page - 1)}; rel="prev"`] : []),
      ...(page < totalPages ? [`${link(page + 1)}; rel="next"`] : []),
      `${link(1)}; rel="first"`,
      `${link(totalPages)}; rel="last"`,
    ];
    const headers = {
      "x-page": String(page),
      "x-per-page": String(perPage),
      "x-next-page": page < totalPages ? String(page + 1) : "",
      "x-prev-page": page > 1 ? String(page - 1) : "",
      "x-total": String(items.length),
      "x-total-pages": String(totalPages),
      link: links.join(", "),
    };
    this.send(res, 200, slice, (itemShape as z.ZodType).array(), headers, offsetPaginationHeaders);
  }

  // ---- repository ----

  private getBranch(res: http.ServerResponse, name: string): void {
    const id = this.model.branches.get(name);
    if (!id) return this.send(res, 404, { message: "404 Branch Not Found" }, errorShape);
    const { extended_trailers: _unused, ...commit } = this.wireCommit(this.model.get(id));
    return this.send(
      res,
      200,
      {
        name,
        merged: false,
        protected: name === this.defaultBranch,
        default: name === this.defaultBranch,
        developers_can_push: false,
        developers_can_merge: false,
        can_push: true,
        web_url: `${this.origin}/${this.projectPath}/-/tree/${encodeURIComponent(name)}`,
        commit,
      },
      branchShape,
    );
  }

  private deleteBranch(res: http.ServerResponse, name: string): void {
    if (!this.model.branches.has(name)) return this.send(res, 404, { message: "404 Branch Not Found" }, errorShape);
    if (name === this.defaultBranch) return this.send(res, 400, { message: "Cannot remove the default branch" }, errorShape);
    this.model.branches.delete(name);
    return this.send(res, 204, null, null);
  }

  private getTree(res: http.ServerResponse, q: URLSearchParams): void {
    const id = this.model.resolve(q.get("ref") ?? this.defaultBranch);
    if (!id) return this.send(res, 404, { message: "404 Tree Not Found" }, errorShape);
    const folder = (q.get("path") ?? "").replace(/^\/+|\/+$/g, "");
    const items = treeItems(this.model.get(id).files, folder, q.get("recursive") === "true");
    if (items === null) return this.send(res, 404, { message: "404 Tree Not Found" }, errorShape);
    if (q.get("pagination") !== "keyset") return this.sendList(res, items, treeItemShape, q, "repository/tree");

    // Keyset: the page token is the position after the last item sent (opaque to clients).
    const perPage = Math.min(100, Math.max(1, Number(q.get("per_page") ?? 20) || 20));
    const token = q.get("page_token");
    const start = token ? items.findIndex((item) => item.path === Buffer.from(token, "base64url").toString("utf8")) + 1 : 0;
    const slice = items.slice(start, start + perPage);
    const headers: Record<string, string> = {};
    if (start + perPage < items.length) {
      const params = new URLSearchParams(q);
      params.set("page_token", Buffer.from(slice[slice.length - 1]?.path ?? "", "utf8").toString("base64url"));
      params.set("per_page", String(perPage));
      headers.link = `<${this.origin}/api/v4/projects/${encodeURIComponent(this.projectPath)}/repository/tree?${params}>; rel="next"`;
    }
    return this.send(res, 200, slice, treeItemShape.array(), headers, keysetPaginationHeaders);
  }

  private getBlob(res: http.ServerResponse, sha: string): void {
    const bytes = this.model.blobs.get(sha);
    if (!bytes) return this.send(res, 404, { message: "404 Blob Not Found" }, errorShape);
    return this.send(res, 200, { size: bytes.length, encoding: "base64", content: bytes.toString("base64"), sha }, blobShape);
  }

  private listCommits(res: http.ServerResponse, q: URLSearchParams): void {
    const id = this.model.resolve(q.get("ref_name") ?? this.defaultBranch);
    if (!id) return this.send(res, 404, { message: "404 Commit Not Found" }, errorShape);
    const path = q.get("path") ?? undefined;
    const commits = this.model.history(id, { path: path?.replace(/^\/+|\/+$/g, ""), firstParent: q.get("first_parent") === "true" });
    return this.sendList(res, commits.map((c) => this.wireCommit(c)), commitShape, q, "repository/commits");
  }

  private getCommit(res: http.ServerResponse, ref: string): void {
    const id = this.model.resolve(ref);
    if (!id) return this.send(res, 404, { message: "404 Commit Not Found" }, errorShape);
    return this.send(res, 200, this.wireCommitDetail(this.model.get(id)), commitDetailShape);
  }

  /** POST /projects/:id/repository/commits, with GitLab's validations and Gitaly's compare-and-swap of the ref. */
  private createCommit(res: http.ServerResponse, body: Record<string, unknown>): void {
    const branch = str(body.branch);
    const message = str(body.commit_message);
    const actions = body.actions;
    if (!branch) return this.send(res, 400, { error: "branch is missing" }, errorShape);
    if (!message) return this.send(res, 400, { error: "commit_message is missing" }, errorShape);
    if (!Array.isArray(actions) || actions.length === 0) return this.send(res, 400, { error: "actions is missing" }, errorShape);
    const startBranch = str(body.start_branch);
    const startSha = str(body.start_sha);
    if (startBranch && startSha) return this.send(res, 400, { error: "start_branch, start_sha are mutually exclusive" }, errorShape);
    const bad = (text: string) => this.send(res, 400, { message: text }, errorShape);

    const oldTip = this.model.branches.get(branch) ?? null;
    let startId: string | null;
    if (startSha) {
      if (!/^[0-9a-f]{40}$/.test(startSha)) return bad(`Invalid start_sha '${startSha}'`);
      if (!this.model.commits.has(startSha)) return bad(`Cannot find start_sha '${startSha}'`);
      startId = this.ignoreStartSha ? (this.model.branches.get(this.defaultBranch) ?? startSha) : startSha;
    } else {
      const from = startBranch ?? branch;
      startId = this.model.branches.get(from) ?? null;
      if (!startId) return bad("You can only create or edit files when you are on a branch");
    }
    const differentBranch = startSha !== null || (startBranch !== null && startBranch !== branch);
    if (differentBranch && oldTip && body.force !== true) {
      return bad(`A branch called '${branch}' already exists. Switch to that branch in order to make changes`);
    }

    const files = new Map<string, ModelFile>(this.model.get(startId).files);
    for (const entry of actions) {
      const a = (entry ?? {}) as Record<string, unknown>;
      const path = str(a.file_path);
      if (!path) return this.send(res, 400, { error: "actions[0][file_path] is missing" }, errorShape);
      const exists = files.has(path);
      const content = () => (a.encoding === "base64" ? Buffer.from(str(a.content) ?? "", "base64") : Buffer.from(str(a.content) ?? "", "utf8"));
      switch (a.action) {
        case "create":
          if (exists) return bad("A file with this name already exists");
          files.set(path, { blob: this.model.writeBlob(content()), mode: "100644" });
          break;
        case "update": {
          const current = files.get(path);
          if (!current) return bad("A file with this name doesn't exist");
          files.set(path, { blob: this.model.writeBlob(content()), mode: current.mode });
          break;
        }
        case "delete":
          if (!exists) return bad("A file with this name doesn't exist");
          files.delete(path);
          break;
        default:
          return this.send(res, 400, { error: "actions[0][action] does not have a valid value" }, errorShape);
      }
    }
    const author = { name: str(body.author_name) ?? BOT.name, email: str(body.author_email) ?? `${BOT.username}@example.com` };
    const commit = this.model.commit({ parents: [startId], files, message, author, committer: { name: BOT.name, email: `${BOT.username}@example.com` } });
    this.beforeRefUpdate?.(branch);
    // The ref moves only if it still holds what was read at the start (Gitaly's UserCommitFiles).
    if ((this.model.branches.get(branch) ?? null) !== oldTip) {
      return bad(`Could not update refs/heads/${branch}. Please refresh and try again.: reference update: incorrect old value provided`);
    }
    this.model.branches.set(branch, commit.id);
    // A push to a merge request's source branch updates the merge request, as on GitLab.
    for (const mr of this.mergeRequests.values()) if (mr.state === "opened" && mr.sourceBranch === branch) mr.updatedAt = this.now();
    return this.send(res, 201, this.wireCommitDetail(commit), commitDetailShape);
  }

  // ---- merge requests ----

  private listMergeRequests(res: http.ServerResponse, q: URLSearchParams): void {
    let list = [...this.mergeRequests.values()];
    const source = q.get("source_branch");
    const target = q.get("target_branch");
    const state = q.get("state");
    if (source) list = list.filter((mr) => mr.sourceBranch === source);
    const iids = q.getAll("iids[]").map(Number);
    if (iids.length) list = list.filter((mr) => iids.includes(mr.iid));
    if (target) list = list.filter((mr) => mr.targetBranch === target);
    if (state && state !== "all") list = list.filter((mr) => mr.state === state);
    const key = q.get("order_by") === "updated_at" ? "updatedAt" : "createdAt";
    list.sort((a, b) => (a[key] === b[key] ? b.iid - a.iid : Date.parse(b[key]) - Date.parse(a[key])));
    if (q.get("sort") === "asc") list.reverse();
    return this.sendList(res, list.map((mr) => this.wireMergeRequest(mr)), mergeRequestListItemShape, q, "merge_requests");
  }

  private createMergeRequest(res: http.ServerResponse, body: Record<string, unknown>): void {
    const source = str(body.source_branch);
    const target = str(body.target_branch);
    const title = str(body.title);
    if (!source) return this.send(res, 400, { error: "source_branch is missing" }, errorShape);
    if (!target) return this.send(res, 400, { error: "target_branch is missing" }, errorShape);
    if (!title) return this.send(res, 400, { error: "title is missing" }, errorShape);
    if (!this.model.branches.has(source)) return this.send(res, 400, { message: { source_branch: ["does not exist"] } }, errorShape);
    const open = [...this.mergeRequests.values()].find((mr) => mr.state === "opened" && mr.sourceBranch === source && mr.targetBranch === target);
    if (open) return this.send(res, 409, { message: [`Another open merge request already exists for this source branch: !${open.iid}`] }, errorShape);
    const mr = this.openMergeRequest({ sourceBranch: source, targetBranch: target, title, description: str(body.description) ?? "" });
    mr.labels = splitLabels(body.labels);
    return this.send(res, 201, this.wireMergeRequest(mr, true), mergeRequestShape);
  }

  private getMergeRequest(res: http.ServerResponse, iid: number): void {
    const mr = this.mergeRequests.get(iid);
    if (!mr) return this.send(res, 404, { message: "404 Not found" }, errorShape);
    return this.send(res, 200, this.wireMergeRequest(mr, true), mergeRequestShape);
  }

  private editMergeRequest(res: http.ServerResponse, iid: number, body: Record<string, unknown>): void {
    const mr = this.mergeRequests.get(iid);
    if (!mr) return this.send(res, 404, { message: "404 Not found" }, errorShape);
    if (typeof body.title === "string") mr.title = body.title;
    if (typeof body.description === "string") mr.description = body.description;
    if (body.labels !== undefined) mr.labels = splitLabels(body.labels);
    // A state event that does not apply (closing a merged MR) is ignored, as GitLab does.
    if (body.state_event === "close" && mr.state === "opened") {
      mr.finalSha = this.headOf(mr);
      mr.state = "closed";
      mr.closedAt = this.now();
    }
    if (body.state_event === "reopen" && mr.state === "closed") {
      mr.state = "opened";
      mr.closedAt = null;
    }
    mr.updatedAt = this.now();
    return this.send(res, 200, this.wireMergeRequest(mr, true), mergeRequestShape);
  }

  private acceptMergeRequest(res: http.ServerResponse, iid: number, body: Record<string, unknown>): void {
    const mr = this.mergeRequests.get(iid);
    if (!mr) return this.send(res, 404, { message: "404 Not found" }, errorShape);
    const head = this.headOf(mr);
    const auto = body.auto_merge === true || body.merge_when_pipeline_succeeds === true;
    // Auto-merge may be set on a draft (it waits for it); an immediate merge may not.
    if (mr.state !== "opened" || (!auto && isDraft(mr.title)) || !head) return this.send(res, 405, { message: "405 Method Not Allowed" }, errorShape);
    const sha = str(body.sha);
    if (sha && sha !== head) return this.send(res, 409, { message: `SHA does not match HEAD of source branch: ${head}` }, errorShape);
    const targetHead = this.model.branches.get(mr.targetBranch);
    if (!targetHead) return this.send(res, 405, { message: "405 Method Not Allowed" }, errorShape);
    if (auto && !this.readyToMerge(mr)) {
      // GitLab answers 200 with the MR set to merge when ready, and merges later (settleAutoMerge).
      mr.autoMergeBy = BOT.username;
      mr.updatedAt = this.now();
      return this.send(res, 200, this.wireMergeRequest(mr, true), mergeRequestShape);
    }
    const merged = this.mergeFiles(targetHead, head);
    if (!merged) return this.send(res, 406, { message: "Branch cannot be merged" }, errorShape);
    this.land(mr, head, targetHead, merged, body);
    return this.send(res, 200, this.wireMergeRequest(mr, true), mergeRequestShape);
  }

  /** Writes the merge (or squash) commit, moves the target branch, marks the MR merged and announces it. */
  private land(mr: ServerMergeRequest, head: string, targetHead: string, merged: Map<string, ModelFile>, body: Record<string, unknown>): void {
    const squash = body.squash === true;
    const commit = this.model.commit({
      parents: squash ? [targetHead] : [targetHead, head],
      files: merged,
      message: str(squash ? body.squash_commit_message : body.merge_commit_message) ?? `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${mr.title}`,
      author: { name: BOT.name, email: `${BOT.username}@example.com` },
    });
    this.model.branches.set(mr.targetBranch, commit.id);
    mr.state = "merged";
    mr.finalSha = head;
    mr.autoMergeBy = null;
    mr.mergedAt = this.now();
    mr.updatedAt = mr.mergedAt;
    if (squash) mr.squashCommitSha = commit.id;
    else mr.mergeCommitSha = commit.id;
    this.onEvent?.({ kind: "merge_request.merged", mergeRequest: { ...mr }, before: targetHead, after: commit.id });
  }

  /** POST …/cancel_merge_when_pipeline_succeeds: 406 when auto-merge is not on, as GitLab answers. */
  private cancelAutoMerge(res: http.ServerResponse, iid: number): void {
    const mr = this.mergeRequests.get(iid);
    if (!mr) return this.send(res, 404, { message: "404 Not found" }, errorShape);
    if (mr.state !== "opened" || !mr.autoMergeBy) return this.send(res, 406, { message: "406 Not Acceptable" }, errorShape);
    mr.autoMergeBy = null;
    mr.updatedAt = this.now();
    return this.send(res, 200, this.wireMergeRequest(mr, true), mergeRequestShape);
  }

  private createNote(res: http.ServerResponse, iid: number, body: Record<string, unknown>): void {
    const mr = this.mergeRequests.get(iid);
    if (!mr) return this.send(res, 404, { message: "404 Not found" }, errorShape);
    const text = str(body.body);
    if (!text) return this.send(res, 400, { error: "body is missing" }, errorShape);
    const list = this.notes.get(iid) ?? [];
    list.push(text);
    this.notes.set(iid, list);
    const at = this.now();
    return this.send(
      res,
      201,
      { id: 3000 + list.length, type: null, body: text, attachment: null, author: this.wireUser(BOT.username, BOT.id), created_at: at, updated_at: at, system: false, noteable_id: mr.id, noteable_type: "MergeRequest", project_id: PROJECT_ID, resolvable: false, confidential: false, internal: false, noteable_iid: mr.iid, commands_changes: {} },
      noteShape,
    );
  }

  private getApprovals(res: http.ServerResponse, iid: number): void {
    const mr = this.mergeRequests.get(iid);
    if (!mr) return this.send(res, 404, { message: "404 Not found" }, errorShape);
    const left = Math.max(0, mr.approvalsRequired - mr.approvedBy.length);
    return this.send(
      res,
      200,
      {
        id: mr.id,
        iid: mr.iid,
        project_id: PROJECT_ID,
        title: mr.title,
        description: mr.description,
        state: mr.state,
        created_at: mr.createdAt,
        updated_at: mr.updatedAt,
        merge_status: this.mergeStatus(mr),
        approved: left === 0,
        approvals_required: mr.approvalsRequired,
        approvals_left: left,
        require_password_to_approve: false,
        approved_by: mr.approvedBy.map((username, i) => {
          const { locked: _locked, ...user } = this.wireUser(username, 100 + i);
          return { user };
        }),
        suggested_approvers: [],
        approvers: [],
        approver_groups: [],
        user_has_approved: false,
        user_can_approve: true,
        approval_rules_left: [],
        has_approval_rules: mr.approvalsRequired > 0,
        merge_request_approvers_available: true,
        multiple_approval_rules_available: true,
        invalid_approvers_rules: [],
      },
      approvalsShape,
    );
  }

  /** The rules an MR is judged by, each with who approved under it. */
  private rulesOf(mr: ServerMergeRequest) {
    const rules = mr.approvalRules ?? (mr.approvalsRequired > 0 ? [{ name: "All Members", approvalsRequired: mr.approvalsRequired, eligible: [] }] : []);
    return rules.map((rule) => {
      const approvedBy = mr.approvedBy.filter((u) => rule.eligible.length === 0 || rule.eligible.includes(u));
      return { ...rule, approvedBy, approved: approvedBy.length >= rule.approvalsRequired };
    });
  }

  private getApprovalState(res: http.ServerResponse, iid: number): void {
    const mr = this.mergeRequests.get(iid);
    if (!mr) return this.send(res, 404, { message: "404 Not found" }, errorShape);
    const user = (username: string) => {
      const { locked: _locked, ...rest } = this.wireUser(username, 100 + [...username].reduce((n, c) => n + c.charCodeAt(0), 0));
      return rest;
    };
    const rules = this.rulesOf(mr).map((rule, i) => ({
      id: 40 + i,
      name: rule.name,
      rule_type: rule.eligible.length === 0 ? ("any_approver" as const) : ("regular" as const),
      eligible_approvers: rule.eligible.map(user),
      approvals_required: rule.approvalsRequired,
      users: rule.eligible.map(user),
      groups: [],
      contains_hidden_groups: false,
      approved_by: rule.approvedBy.map(user),
      source_rule: null,
      approved: rule.approved,
      overridden: false,
    }));
    return this.send(res, 200, { approval_rules_overwritten: false, rules }, approvalStateShape);
  }

  // ---- wire shapes ----

  private wireCommit(c: ModelCommit) {
    const title = c.message.split("\n")[0] ?? "";
    return {
      id: c.id,
      short_id: c.id.slice(0, 8),
      created_at: c.committedDate,
      parent_ids: c.parents,
      title,
      message: c.message,
      author_name: c.authorName,
      author_email: c.authorEmail,
      authored_date: c.authoredDate,
      committer_name: c.committerName,
      committer_email: c.committerEmail,
      committed_date: c.committedDate,
      trailers: {},
      extended_trailers: {},
      web_url: `${this.origin}/${this.projectPath}/-/commit/${c.id}`,
    };
  }

  private wireCommitDetail(c: ModelCommit) {
    return { ...this.wireCommit(c), stats: { additions: 0, deletions: 0, total: 0 }, status: null, project_id: PROJECT_ID, last_pipeline: null };
  }

  private wireUser(username: string, id: number) {
    return { id, username, name: username, state: "active", locked: false, avatar_url: null, web_url: `${this.origin}/${username}` };
  }

  private wireMergeRequest(mr: ServerMergeRequest, single = false) {
    const head = mr.state === "opened" ? this.headOf(mr) : mr.finalSha;
    const bot = this.wireUser(BOT.username, BOT.id);
    const pipeline = mr.pipeline
      ? {
          id: mr.pipeline.id,
          iid: mr.pipeline.id - 499,
          project_id: PROJECT_ID,
          sha: mr.pipeline.sha,
          ref: `refs/merge-requests/${mr.iid}/head`,
          status: mr.pipeline.status,
          source: "merge_request_event",
          created_at: mr.createdAt,
          updated_at: mr.updatedAt,
          web_url: `${this.origin}/${this.projectPath}/-/pipelines/${mr.pipeline.id}`,
        }
      : null;
    const base = {
      id: mr.id,
      iid: mr.iid,
      project_id: PROJECT_ID,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      imported: false,
      imported_from: "none",
      merged_by: mr.state === "merged" ? bot : null,
      merge_user: mr.state === "merged" || mr.autoMergeBy ? bot : null,
      merged_at: mr.mergedAt,
      merge_after: null,
      prepared_at: mr.createdAt,
      closed_by: mr.state === "closed" ? bot : null,
      closed_at: mr.closedAt,
      created_at: mr.createdAt,
      updated_at: mr.updatedAt,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      upvotes: 0,
      downvotes: 0,
      author: bot,
      assignee: null,
      assignees: [],
      reviewers: [],
      source_project_id: PROJECT_ID,
      target_project_id: PROJECT_ID,
      labels: mr.labels,
      draft: isDraft(mr.title),
      work_in_progress: isDraft(mr.title),
      milestone: null,
      merge_when_pipeline_succeeds: mr.state === "opened" && !!mr.autoMergeBy,
      merge_status: this.mergeStatus(mr),
      detailed_merge_status: this.detailedStatus(mr),
      sha: head,
      merge_commit_sha: mr.mergeCommitSha,
      squash_commit_sha: mr.squashCommitSha,
      user_notes_count: 0,
      discussion_locked: null,
      should_remove_source_branch: null,
      force_remove_source_branch: false,
      allow_collaboration: false,
      allow_maintainer_to_push: false,
      web_url: `${this.origin}/${this.projectPath}/-/merge_requests/${mr.iid}`,
      references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${this.projectPath}!${mr.iid}` },
      reference: `!${mr.iid}`,
      time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
      squash: false,
      squash_on_merge: false,
      task_completion_status: { count: 0, completed_count: 0 },
      has_conflicts: this.conflicts(mr),
      blocking_discussions_resolved: true,
    };
    if (!single) return base;
    const targetHead = this.model.branches.get(mr.targetBranch) ?? null;
    const mergeBase = head && targetHead ? this.model.mergeBase(head, targetHead) : null;
    return {
      ...base,
      subscribed: true,
      changes_count: "1",
      latest_build_started_at: null,
      latest_build_finished_at: null,
      first_deployed_to_production_at: null,
      pipeline,
      head_pipeline: pipeline,
      diff_refs: head && mergeBase ? { base_sha: mergeBase, head_sha: head, start_sha: targetHead ?? mergeBase } : null,
      merge_error: null,
      first_contribution: false,
      user: { can_merge: true },
    };
  }

  private mergeStatus(mr: ServerMergeRequest): string {
    return mr.state === "opened" && this.conflicts(mr) ? "cannot_be_merged" : "can_be_merged";
  }

  private detailedStatus(mr: ServerMergeRequest): string {
    if (mr.state !== "opened") return "not_open";
    if (isDraft(mr.title)) return "draft_status";
    if (this.conflicts(mr)) return "conflict";
    if (mr.requestedChanges) return "requested_changes";
    if (this.rulesOf(mr).some((rule) => !rule.approved)) return "not_approved";
    return "mergeable";
  }

  private conflicts(mr: ServerMergeRequest): boolean {
    if (mr.state !== "opened") return false;
    const head = this.headOf(mr);
    const target = this.model.branches.get(mr.targetBranch);
    return !!head && !!target && this.mergeFiles(target, head) === null;
  }

  /** File-level three-way merge; null on a conflict. */
  private mergeFiles(target: string, source: string): Map<string, ModelFile> | null {
    const baseId = this.model.mergeBase(target, source);
    const base = baseId ? this.model.get(baseId).files : new Map<string, ModelFile>();
    const t = this.model.get(target).files;
    const s = this.model.get(source).files;
    const out = new Map<string, ModelFile>();
    for (const path of new Set([...base.keys(), ...t.keys(), ...s.keys()])) {
      const [b, tf, sf] = [base.get(path), t.get(path), s.get(path)];
      const same = (x?: ModelFile, y?: ModelFile) => x?.blob === y?.blob && x?.mode === y?.mode;
      let pick: ModelFile | undefined;
      if (same(tf, sf) || same(sf, b)) pick = tf;
      else if (same(tf, b)) pick = sf;
      else return null;
      if (pick) out.set(path, pick);
    }
    return out;
  }

  private headOf(mr: ServerMergeRequest): string | null {
    return this.model.branches.get(mr.sourceBranch) ?? null;
  }

  private mustMr(iid: number): ServerMergeRequest {
    const mr = this.mergeRequests.get(iid);
    if (!mr) throw new Error(`test server: no merge request !${iid}`);
    return mr;
  }

  private now(): string {
    return new Date().toISOString();
  }
}

/** Tree listing items below `folder` (all levels when recursive), folders first at each level like GitLab; null if the folder does not exist. */
function treeItems(files: ReadonlyMap<string, ModelFile>, folder: string, recursive: boolean) {
  const prefix = folder ? `${folder}/` : "";
  const dirs = new Set<string>();
  const blobs: { id: string; name: string; type: "blob"; path: string; mode: string }[] = [];
  let found = folder === "";
  for (const [path, file] of files) {
    if (!path.startsWith(prefix)) continue;
    found = true;
    const rest = path.slice(prefix.length).split("/");
    for (let i = 1; i < rest.length; i++) {
      if (!recursive && i > 1) break;
      dirs.add(prefix + rest.slice(0, i).join("/"));
    }
    if (recursive || rest.length === 1) blobs.push({ id: file.blob, name: rest[rest.length - 1] ?? "", type: "blob", path, mode: file.mode });
  }
  if (!found) return null;
  const trees = [...dirs].map((path) => ({
    // A tree's id in the API is its git object id; a stable stand-in derived from the path is enough here.
    id: createHash("sha1").update(`tree ${path}`).digest("hex"),
    name: path.slice(path.lastIndexOf("/") + 1),
    type: "tree" as const,
    path,
    mode: "040000",
  }));
  return [...trees, ...blobs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function isDraft(title: string): boolean {
  return /^\s*(\[draft\]|\(draft\)|draft:|draft\s|wip:)/i.test(title);
}

function splitLabels(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : typeof value === "string" ? value.split(",") : [];
  return list.map((l) => l.trim()).filter(Boolean);
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A response that goes nowhere (fault.hang "response": the server acts, the client never hears). */
function discardedResponse(): http.ServerResponse {
  const sink = { headersSent: false, writeHead: () => sink, setHeader: () => sink, write: () => true, end: () => sink };
  return sink as unknown as http.ServerResponse;
}
