import { createHash, randomBytes, verify as verifySignature, type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type OpenAPIBackend from "openapi-backend";
import { basicPassword, gitServiceOf, ServedGitRepository, type GitService } from "../../testing/served-git-repository";
import { formOf, OAuthTestApp, sendOAuth, type OAuthTestAppOptions, type OAuthTestUser } from "../../testing/oauth-test-app";
import { GitModel, type FlatEntry } from "./git-model";
import { executeGraphql, GraphqlRefusal } from "./graphql";
import { githubApi } from "./openapi";

// A local stand-in for api.github.com: the endpoints the GitHub provider uses, over an in-memory
// git model (refs, trees, blobs, commits) and pull requests. Every request is validated against
// GitHub's OpenAPI description before it is handled, and every response before it is sent: a
// mismatch is recorded in `violations` (tests assert it stays empty) and answered with 599 so the
// client fails loudly too. Serves under /api/v3, so clients reach it as GitHub Enterprise Server.

export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  conditional: boolean;
  /** Git smart HTTP (`smart-http/info-refs`, `smart-http/upload-pack` as operationId): not a REST call. */
  git?: true;
  /** Response body bytes (git smart HTTP requests). */
  bytes?: number;
}

export type ServerAuth = { kind: "token"; token: string } | { kind: "app"; appId: string; publicKey: KeyObject; installationId: number };

export interface Fault {
  operationId?: string;
  /** Required unless the fault hangs. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many requests fail (default 1). */
  times?: number;
  /**
   * Instead of `status`, never answer: "request" — not handled at all (GitHub hung before acting);
   * "response" — handled and its effect kept, but the answer never comes (GitHub acted, the response
   * was lost). The connection stays open until the server closes.
   */
  hang?: "request" | "response";
}

export interface ServerPull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  /** Head sha recorded when merged or closed (the branch may be gone). */
  headSha: string;
  state: "open" | "closed";
  draft: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  /** Users and team slugs asked for a review (POST requested_reviewers). */
  requestedReviewers?: string[];
  requestedTeams?: string[];
  /** Auto-merge, as enablePullRequestAutoMerge turned it on: merged by the server once branch protection passes. */
  autoMerge?: { enabledBy: string; method: "MERGE" | "SQUASH" | "REBASE"; enabledAt: string } | null;
}

/** Branch protection of one branch: what GET branch shows of it, and what GET branch protection answers (admins only). */
export interface ServerProtection {
  requiredChecks: string[];
  requiredApprovals: number;
  /** Whether the token may read GET branch protection (it needs admin rights); otherwise 403. */
  adminReadable: boolean;
}

/**
 * A state change GitHub announces with webhooks, reported to `onEvent` after the server made it
 * (the listener decides what to deliver, and delivers asynchronously, as GitHub does).
 */
export type GitHubServerEvent = {
  kind: "pull_request.merged";
  pull: ServerPull;
  /** The base branch's head before and after the merge (a push event's `before`/`after`). */
  before: string;
  after: string;
};

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send nothing (a Fault's hang). */
  hang?: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

const API_ROOT = "/api/v3";
const DOCS = "https://docs.github.com/rest";

export class GitHubTestServer {
  readonly git = new GitModel();
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly pulls = new Map<number, ServerPull>();
  readonly reviews = new Map<number, { login: string; state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED"; at: string }[]>();
  readonly checkRuns = new Map<string, { name: string; status: "queued" | "in_progress" | "completed"; conclusion: "success" | "failure" | null }[]>();
  /** Protection by branch name. */
  readonly protection = new Map<string, ServerProtection>();
  /** Comments in each pull request's conversation (issue comments), oldest first. */
  readonly comments = new Map<number, { body: string; at: string }[]>();
  /** Commits GitHub made and signed itself (createCommitOnBranch): their REST `verification` says verified. */
  readonly verified = new Set<string>();
  /** The repository setting "Allow auto-merge"; without it GitHub refuses enablePullRequestAutoMerge. */
  allowAutoMerge = true;
  /** Truncate recursive tree listings beyond this many entries (GitHub: 100,000 / 7 MB). */
  maxTreeEntries = 100_000;
  /** Told of every state change a webhook would report (e.g. to deliver webhooks, as the e2e forge does). */
  onEvent: ((event: GitHubServerEvent) => void) | null = null;
  private readonly faults: Fault[] = [];
  private oauth: OAuthTestApp | null = null;
  private readonly userTeams = new Map<string, { org: string; slug: string }[]>();
  private readonly tokens = new Map<string, number>();
  private served: ServedGitRepository | null = null;
  private nextPull = 1;
  private server: http.Server | null = null;
  private origin = "";

  private constructor(
    private readonly api: OpenAPIBackend,
    readonly owner: string,
    readonly repo: string,
    private readonly auth: ServerAuth,
  ) {}

  /** `port`: where to listen on 127.0.0.1; 0 (the default) picks a free one. */
  static async start(opts: { owner?: string; repo?: string; auth: ServerAuth; port?: number }): Promise<GitHubTestServer> {
    const server = new GitHubTestServer(await githubApi(API_ROOT), opts.owner ?? "acme", opts.repo ?? "gitops", opts.auth);
    await server.listen(opts.port ?? 0);
    return server;
  }

  /** Web address of the repository (what Ferry's config holds). */
  get repositoryUrl(): string {
    return `${this.origin}/${this.owner}/${this.repo}`;
  }

  get apiUrl(): string {
    return `${this.origin}${API_ROOT}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    // Hung requests (Fault.hang) keep their connections open: drop them, or close would wait forever.
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.served?.close();
  }

  /**
   * Sign-in with GitHub (an OAuth app): /login/oauth/authorize shows a page to pick one of `users`,
   * /login/oauth/access_token hands out user tokens, which GET /user and GET /user/teams accept.
   */
  enableOAuth(options: OAuthTestAppOptions, users: readonly (OAuthTestUser & { teams: { org: string; slug: string }[] })[]): OAuthTestApp {
    this.oauth = new OAuthTestApp(options, users);
    for (const user of users) this.userTeams.set(user.login, user.teams);
    return this.oauth;
  }

  failNext(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Installation tokens handed out so far stop working (as after their hour). */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  /** Requests to repository endpoints (not the app's token endpoints), optionally since index `from`. */
  count(filter: (r: RecordedRequest) => boolean = () => true, from = 0): number {
    return this.requests.slice(from).filter(filter).length;
  }

  // ---- HTTP ----

  private async listen(port: number): Promise<void> {
    const server = http.createServer((req, res) => {
      const service = gitServiceOf(new URL(req.url ?? "/", "http://localhost").pathname, `${this.owner}/${this.repo}`);
      if (service) {
        this.serveGit(req, res, service).catch((error: unknown) => {
          this.violations.push(`git smart HTTP crashed: ${error instanceof Error ? error.stack : String(error)}`);
          res.destroy();
        });
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        // github.com's OAuth pages, not REST: outside the API root, not in the OpenAPI description.
        if (this.oauth && req.url?.startsWith("/login/oauth/")) return this.serveOAuth(req, res, Buffer.concat(chunks).toString("utf8"));
        this.handle(req, Buffer.concat(chunks).toString("utf8"))
          .catch((error: unknown) => {
            this.violations.push(`test server crashed: ${error instanceof Error ? error.stack : String(error)}`);
            const crashed: Reply = { status: 599, body: { message: "test server error" } };
            return crashed;
          })
          .then((reply) => {
            if (reply.hang) return;
            const payload = reply.body === undefined || reply.status === 204 || reply.status === 304 ? "" : JSON.stringify(reply.body);
            res.writeHead(reply.status, {
              ...(payload ? { "content-type": "application/json; charset=utf-8" } : {}),
              "x-ratelimit-limit": "5000",
              "x-ratelimit-remaining": "4999",
              "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
              "x-github-request-id": randomBytes(8).toString("hex"),
              ...reply.headers,
            });
            res.end(payload);
          });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private async handle(req: http.IncomingMessage, raw: string): Promise<Reply> {
    const url = new URL(req.url ?? "/", this.origin);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return this.record(req, url, null, { status: 400, body: { message: "Problems parsing JSON", documentation_url: DOCS } });
    }
    const request = { method: req.method ?? "GET", path: url.pathname, headers, query: Object.fromEntries(url.searchParams), body };
    if (url.pathname === "/api/graphql" && request.method === "POST") return this.graphql(req, url, headers, body);
    const operation = this.api.router.matchOperation(request);
    if (!operation?.operationId) {
      this.violations.push(`${request.method} ${url.pathname}: not an operation the test server implements`);
      return this.record(req, url, null, { status: 404, body: { message: "Not Found", documentation_url: DOCS } });
    }
    const operationId = operation.operationId;
    const validation = this.api.validateRequest(request, operation);
    if (!validation.valid) {
      this.violations.push(`request ${operationId} is invalid: ${JSON.stringify(validation.errors)}`);
      return this.record(req, url, operationId, { status: 422, body: { message: "Invalid request", documentation_url: DOCS } });
    }
    const params = this.api.router.parseRequest(request, operation).params;
    let reply: Reply;
    const fault = this.faults.find((f) => !f.operationId || f.operationId === operationId);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    }
    if (fault?.hang === "request") return this.record(req, url, operationId, { status: 0, hang: true });
    if (fault && !fault.hang) {
      const status = fault.status ?? 500;
      reply = { status, headers: fault.headers, body: fault.body ?? { message: `Injected ${status}`, documentation_url: DOCS } };
    } else {
      try {
        this.authenticate(operationId, headers.authorization ?? "");
        reply = this.dispatch(operationId, params, url.searchParams, body, headers.authorization ?? "");
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        reply = { status: error.status, body: { message: error.message, documentation_url: DOCS, ...(error.errors ? { errors: error.errors } : {}), status: String(error.status) } };
      }
      // Conditional GETs, as GitHub answers them: same representation → 304 without a body.
      if (request.method === "GET" && reply.status === 200) {
        const etag = `W/"${createHash("sha256").update(JSON.stringify(reply.body)).digest("hex")}"`;
        reply.headers = { ...reply.headers, etag };
        if (headers["if-none-match"] === etag) reply = { status: 304, headers: { etag } };
      }
    }
    const checked = this.api.validateResponse(reply.body ?? null, operation, reply.status);
    if (!checked.valid) {
      this.violations.push(`response ${reply.status} of ${operationId} is invalid: ${JSON.stringify(checked.errors?.slice(0, 5))}`);
      reply = { status: 599, body: { message: "test server sent an invalid response" } };
    }
    // The operation ran (its effect stays), the answer is lost.
    if (fault?.hang === "response") reply = { ...reply, hang: true };
    return this.record(req, url, operationId, reply);
  }

  /**
   * Git smart HTTP (clone and fetch; pushes are refused: Ferry writes through the API), with the token
   * checked as for the API (git sends it as a Basic password: 401 without one, 403 for a wrong one)
   * and each request in the call log. Faults apply when they name the git operation.
   */
  private async serveGit(req: http.IncomingMessage, res: http.ServerResponse, service: GitService): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    const entry: RecordedRequest = { method: req.method ?? "GET", path: url.pathname + url.search, operationId: `smart-http/${service}`, status: 0, conditional: false, git: true };
    this.requests.push(entry);
    const fault = this.faults.find((f) => f.operationId === entry.operationId);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.hang) return;
    }
    const refuse = (status: number, message: string, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, { "content-type": "text/plain", ...headers });
      res.end(`${message}\n`);
    };
    if (fault) return refuse(fault.status ?? 500, "Injected failure");
    const password = basicPassword(req.headers.authorization);
    if (password === null) return refuse(401, "Authentication required", { "www-authenticate": 'Basic realm="GitHub"' });
    try {
      this.authenticate(entry.operationId ?? "", `token ${password}`);
    } catch {
      return refuse(403, "Invalid username or token. Password authentication is not supported for Git operations.");
    }
    if (service === "receive-pack" || url.searchParams.get("service") === "git-receive-pack") return refuse(403, "Pushes go through the API in this test server");
    this.served ??= new ServedGitRepository(`${this.owner}/${this.repo}`);
    const head = [...this.git.refs.keys()].includes("refs/heads/main") ? "main" : ([...this.git.refs.keys()].find((r) => r.startsWith("refs/heads/"))?.slice(11) ?? "main");
    this.served.publish(this.git.encoded, this.git.refs, head);
    const answer = await this.served.serve(req, res);
    entry.status = answer.status;
    entry.bytes = answer.bytes;
  }

  private serveOAuth(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const oauth = this.oauth!;
    const url = new URL(req.url ?? "/", this.origin);
    this.requests.push({ method: req.method ?? "GET", path: url.pathname, operationId: `oauth${url.pathname.slice("/login/oauth".length)}`, status: 0, conditional: false });
    if (url.pathname === "/login/oauth/authorize" && req.method === "GET") return sendOAuth(res, oauth.authorizePage(url, "/login/oauth/authorize"));
    if (url.pathname === "/login/oauth/authorize" && req.method === "POST") return sendOAuth(res, oauth.confirm(formOf(raw, req.headers["content-type"])));
    if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
      const answer = oauth.exchange(formOf(raw, req.headers["content-type"]), req.headers.authorization, "github");
      // Without Accept: application/json GitHub answers form-encoded; Ferry always asks for JSON.
      if (!req.headers.accept?.includes("application/json")) this.violations.push("POST /login/oauth/access_token without Accept: application/json");
      return sendOAuth(res, answer);
    }
    sendOAuth(res, { status: 404, body: { message: "Not Found" } });
  }

  private record(req: http.IncomingMessage, url: URL, operationId: string | null, reply: Reply): Reply {
    this.requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, operationId, status: reply.status, conditional: req.headers["if-none-match"] !== undefined });
    return reply;
  }

  private authenticate(operationId: string, authorization: string): void {
    const [scheme, credential = ""] = authorization.split(" ");
    const bad = () => new HttpError(401, "Bad credentials");
    if (operationId === "users/get-authenticated" || operationId === "teams/list-for-authenticated-user") {
      // Only a signed-in user's token (from the OAuth flow) names a user.
      if (!this.oauth?.userForToken(authorization)) throw new HttpError(401, "Requires authentication");
      return;
    }
    if (operationId.startsWith("apps/")) {
      if (this.auth.kind !== "app" || scheme?.toLowerCase() !== "bearer" || !this.validJwt(credential)) throw new HttpError(401, "A JSON web token could not be decoded");
      return;
    }
    if (this.auth.kind === "token") {
      if (credential !== this.auth.token) throw bad();
      return;
    }
    const expiresAt = this.tokens.get(credential);
    if (expiresAt === undefined || expiresAt <= Date.now()) throw bad();
  }

  private validJwt(jwt: string): boolean {
    if (this.auth.kind !== "app") return false;
    const [header, payload, signature] = jwt.split(".");
    if (!header || !payload || !signature) return false;
    const ok = verifySignature("RSA-SHA256", Buffer.from(`${header}.${payload}`), this.auth.publicKey, Buffer.from(signature, "base64url"));
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { iss?: string | number; exp?: number };
    return ok && String(claims.iss) === this.auth.appId && (claims.exp ?? 0) * 1000 > Date.now();
  }

  // ---- operations ----

  private dispatch(operationId: string, params: Record<string, string>, query: URLSearchParams, body: unknown, authorization = ""): Reply {
    if (params.owner !== undefined && (params.owner.toLowerCase() !== this.owner.toLowerCase() || params.repo?.toLowerCase() !== this.repo.toLowerCase())) {
      throw new HttpError(404, "Not Found");
    }
    const input = (body ?? {}) as Record<string, unknown>;
    const ref = params.ref !== undefined ? decodeURIComponent(params.ref) : undefined;
    switch (operationId) {
      case "apps/get-repo-installation":
        return { status: 200, body: this.installation() };
      case "users/get-authenticated":
        return { status: 200, body: this.authenticatedUserJson(authorization) };
      case "teams/list-for-authenticated-user":
        return { status: 200, body: this.userTeamsJson(authorization, query) };
      case "apps/create-installation-access-token":
        return { status: 201, body: this.mintToken(Number(params.installation_id)) };
      case "git/get-ref":
        return { status: 200, body: this.refJson(`refs/${ref}`) };
      case "git/create-ref":
        return { status: 201, body: this.createRef(String(input.ref), String(input.sha)) };
      case "git/update-ref":
        return { status: 200, body: this.updateRef(`refs/${ref}`, String(input.sha), input.force === true) };
      case "git/delete-ref":
        if (!this.git.refs.delete(`refs/${ref}`)) throw new HttpError(422, "Reference does not exist");
        return { status: 204 };
      case "git/get-commit":
        return { status: 200, body: this.gitCommitJson(this.requireCommit(params.commit_sha ?? "", 404)) };
      case "git/create-commit":
        return { status: 201, body: this.createCommit(input) };
      case "git/get-tree":
        return { status: 200, body: this.treeJson(decodeURIComponent(params.tree_sha ?? ""), query.has("recursive")) };
      case "git/create-tree":
        return { status: 201, body: this.createTree(input) };
      case "git/get-blob":
        return { status: 200, body: this.blobJson(params.file_sha ?? "") };
      case "repos/list-commits":
        return { status: 200, body: this.listCommits(query) };
      case "pulls/create":
        return { status: 201, body: this.createPull(input) };
      case "pulls/list":
        return { status: 200, body: this.listPulls(query) };
      case "pulls/get":
        return { status: 200, body: this.pullJson(this.requirePull(params.pull_number)) };
      case "pulls/update":
        return { status: 200, body: this.updatePull(this.requirePull(params.pull_number), input) };
      case "pulls/merge":
        return { status: 200, body: this.mergePull(this.requirePull(params.pull_number), input) };
      case "pulls/list-reviews":
        return { status: 200, body: this.reviewsJson(Number(params.pull_number)) };
      case "pulls/request-reviewers":
        return { status: 201, body: this.requestReviewers(this.requirePull(params.pull_number), input) };
      case "repos/get-branch":
        return { status: 200, body: this.branchJson(decodeURIComponent(params.branch ?? "")) };
      case "repos/get-branch-protection":
        return { status: 200, body: this.protectionJson(decodeURIComponent(params.branch ?? "")) };
      case "checks/list-for-ref":
        return { status: 200, body: this.checkRunsJson(ref ?? "") };
      case "repos/get-combined-status-for-ref":
        return { status: 200, body: this.combinedStatusJson(ref ?? "") };
      case "issues/add-labels":
      case "issues/set-labels": {
        const pull = this.requirePull(params.issue_number);
        const labels = (input.labels ?? []) as string[];
        pull.labels = operationId === "issues/set-labels" ? [...labels] : [...new Set([...pull.labels, ...labels])];
        return { status: 200, body: pull.labels.map((name, i) => this.labelJson(name, i)) };
      }
      case "issues/create-comment":
        return { status: 201, body: this.createComment(this.requirePull(params.issue_number), String(input.body ?? "")) };
      default:
        throw new HttpError(404, "Not Found");
    }
  }

  /** POST /api/graphql (GitHub Enterprise Server's GraphQL URL), executed against GitHub's published schema. */
  private async graphql(req: http.IncomingMessage, url: URL, headers: Record<string, string>, body: unknown): Promise<Reply> {
    try {
      this.authenticate("graphql", headers.authorization ?? "");
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return this.record(req, url, "graphql", { status: error.status, body: { message: error.message, documentation_url: DOCS } });
    }
    const answer = await executeGraphql({ owner: this.owner, repo: this.repo, pullGraph: (n) => this.pullGraph(n), mutations: this.mutations() }, body);
    this.violations.push(...answer.violations);
    return this.record(req, url, "graphql", { status: answer.status, body: answer.body });
  }

  private template<T = Record<string, unknown>>(operationId: string, status: number): T {
    return structuredClone(this.api.mockResponseForOperation(operationId, { code: status }).mock) as T;
  }

  private authenticatedUserJson(authorization: string): unknown {
    const user = this.oauth!.userForToken(authorization)!;
    const body = this.template("users/get-authenticated", 200);
    return { ...body, login: user.login, id: user.id, name: user.name, email: user.email, user_view_type: "private" };
  }

  /** The teams of the signed-in user across organisations, paginated like GitHub (per_page ≤ 100). */
  private userTeamsJson(authorization: string, query: URLSearchParams): unknown {
    const user = this.oauth!.userForToken(authorization)!;
    const perPage = Math.min(Number(query.get("per_page") ?? 30), 100);
    const page = Number(query.get("page") ?? 1);
    const [team] = this.template<Record<string, unknown>[]>("teams/list-for-authenticated-user", 200);
    return (this.userTeams.get(user.login) ?? []).slice((page - 1) * perPage, page * perPage).map((t, i) => ({
      ...team,
      id: 1000 + i,
      slug: t.slug,
      name: t.slug,
      // type and organization.archived_at: required by the description, absent from its example.
      type: "organization",
      organization: { ...(team!.organization as Record<string, unknown>), login: t.org, archived_at: null },
    }));
  }

  private installation(): unknown {
    if (this.auth.kind !== "app") throw new HttpError(404, "Not Found");
    const body = this.template("apps/get-repo-installation", 200);
    return { ...body, id: this.auth.installationId };
  }

  private mintToken(installationId: number): unknown {
    if (this.auth.kind !== "app" || installationId !== this.auth.installationId) throw new HttpError(404, "Not Found");
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    const expiresAt = Date.now() + 3600_000;
    this.tokens.set(token, expiresAt);
    const body = this.template("apps/create-installation-access-token", 201);
    return { ...body, token, expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"), repository_selection: "selected", repositories: undefined };
  }

  private apiRepo(path: string): string {
    return `${this.apiUrl}/repos/${this.owner}/${this.repo}/${path}`;
  }

  private refJson(fullRef: string): unknown {
    const sha = this.git.refs.get(fullRef);
    if (!sha) throw new HttpError(404, "Not Found");
    const type = this.git.get(sha)?.type ?? "commit";
    return { ref: fullRef, node_id: `REF_${Buffer.from(fullRef).toString("base64url")}`, url: this.apiRepo(`git/${fullRef}`), object: { type, sha, url: this.apiRepo(`git/${type}s/${sha}`) } };
  }

  private createRef(fullRef: string, sha: string): unknown {
    if (!/^refs\/[^/]+\/.+/.test(fullRef)) throw new HttpError(422, "Reference name is invalid");
    if (this.git.refs.has(fullRef)) throw new HttpError(422, "Reference already exists");
    if (!this.git.get(sha)) throw new HttpError(422, "Object does not exist");
    this.git.refs.set(fullRef, sha);
    return this.refJson(fullRef);
  }

  private updateRef(fullRef: string, sha: string, force: boolean): unknown {
    const current = this.git.refs.get(fullRef);
    if (!current) throw new HttpError(422, "Reference does not exist");
    if (!this.git.commitObject(sha)) throw new HttpError(422, "Object does not exist");
    if (!force && !this.git.isAncestor(current, sha)) throw new HttpError(422, "Update is not a fast forward");
    this.git.refs.set(fullRef, sha);
    return this.refJson(fullRef);
  }

  private requireCommit(sha: string, status: number) {
    const commit = this.git.commitObject(sha);
    if (!commit) throw new HttpError(status, status === 404 ? "Not Found" : "Object does not exist");
    return { sha, ...commit };
  }

  private gitCommitJson(c: { sha: string; tree: string; parents: string[]; author: { name: string; email: string; date: string }; committer: { name: string; email: string; date: string }; message: string }): unknown {
    return {
      sha: c.sha,
      node_id: `C_${c.sha.slice(0, 12)}`,
      url: this.apiRepo(`git/commits/${c.sha}`),
      html_url: `${this.repositoryUrl}/commit/${c.sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: this.apiRepo(`git/trees/${c.tree}`) },
      parents: c.parents.map((p) => ({ sha: p, url: this.apiRepo(`git/commits/${p}`), html_url: `${this.repositoryUrl}/commit/${p}` })),
      verification: this.verificationJson(c.sha),
    };
  }

  /** GitHub signs the commits it makes for an App (createCommitOnBranch) with its own key: "valid". */
  private verificationJson(sha: string): unknown {
    return this.verified.has(sha)
      ? { verified: true, reason: "valid", signature: "-----BEGIN PGP SIGNATURE-----\n(test server)\n-----END PGP SIGNATURE-----", payload: `tree ${this.git.commitObject(sha)?.tree ?? ""}`, verified_at: "2026-01-01T00:00:00Z" }
      : { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };
  }

  private createCommit(input: Record<string, unknown>): unknown {
    const tree = String(input.tree);
    const parents = (input.parents ?? []) as string[];
    if (this.git.get(tree)?.type !== "tree") throw new HttpError(422, "Tree SHA does not exist");
    for (const p of parents) if (!this.git.commitObject(p)) throw new HttpError(422, "Parent SHA does not exist or is not a commit object");
    const person = (value: unknown) => (value && typeof value === "object" ? (value as { name: string; email: string }) : undefined);
    const sha = this.git.commit({ tree, parents, message: String(input.message), author: person(input.author), committer: person(input.committer) });
    return this.gitCommitJson(this.requireCommit(sha, 422));
  }

  /** A tree-ish: tree sha, commit sha or branch name (GitHub accepts all three). */
  private treeOf(treeish: string): string {
    const object = this.git.get(treeish);
    if (object?.type === "tree") return treeish;
    if (object?.type === "commit") return object.tree;
    const branch = this.git.refs.get(`refs/heads/${treeish}`);
    const commit = branch ? this.git.commitObject(branch) : undefined;
    if (commit) return commit.tree;
    throw new HttpError(404, "Not Found");
  }

  private treeJson(treeish: string, recursive: boolean): unknown {
    const sha = this.treeOf(treeish);
    let entries: FlatEntry[];
    let truncated = false;
    if (recursive) {
      entries = this.git.flatten(sha);
      if (entries.length > this.maxTreeEntries) {
        entries = entries.slice(0, this.maxTreeEntries);
        truncated = true;
      }
    } else {
      entries = this.git.flatten(sha).filter((e) => !e.path.includes("/"));
    }
    return {
      sha,
      url: this.apiRepo(`git/trees/${sha}`),
      truncated,
      tree: entries.map((e) => ({ path: e.path, mode: e.mode, type: e.type, sha: e.sha, ...(e.size !== undefined ? { size: e.size } : {}), url: this.apiRepo(`git/${e.type}s/${e.sha}`) })),
    };
  }

  private createTree(input: Record<string, unknown>): unknown {
    const base = input.base_tree ? String(input.base_tree) : null;
    if (base && this.git.get(base)?.type !== "tree") throw new HttpError(422, "Invalid tree info");
    const files = base ? this.git.files(base) : new Map<string, { mode: string; sha: string }>();
    for (const item of (input.tree ?? []) as { path: string; mode: string; sha?: string | null; content?: string }[]) {
      if (item.content !== undefined) files.set(item.path, { mode: item.mode, sha: this.git.blob(item.content) });
      else if (item.sha === null) {
        if (!files.delete(item.path)) throw new HttpError(422, "GitRPC::BadObjectState");
      } else if (item.sha && this.git.get(item.sha)) files.set(item.path, { mode: item.mode, sha: item.sha });
      else throw new HttpError(422, "Invalid tree info");
    }
    return this.treeJson(this.git.buildTree(files), true);
  }

  private blobJson(sha: string): unknown {
    const blob = this.git.get(sha);
    if (blob?.type !== "blob") throw new HttpError(404, "Not Found");
    // GitHub wraps base64 at 60 characters per line.
    const content = (blob.data.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n";
    return { content, encoding: "base64", url: this.apiRepo(`git/blobs/${sha}`), sha, size: blob.data.length, node_id: `B_${sha.slice(0, 12)}` };
  }

  /** The object at `path` in a commit's tree (a blob or a subtree), or null. */
  private objectAt(commitSha: string, path: string): string | null {
    const commit = this.git.commitObject(commitSha);
    if (!commit) return null;
    let sha = commit.tree;
    for (const part of path.split("/").filter(Boolean)) {
      const tree = this.git.get(sha);
      const entry = tree?.type === "tree" ? tree.entries.find((e) => e.name === part) : undefined;
      if (!entry) return null;
      sha = entry.sha;
    }
    return sha;
  }

  private listCommits(query: URLSearchParams): unknown {
    const start = query.get("sha") ?? "main";
    const head = this.git.commitObject(start) ? start : this.git.refs.get(`refs/heads/${start}`);
    if (!head) throw new HttpError(404, "Not Found");
    const path = query.get("path");
    let shas = this.git.history(head);
    if (path) {
      shas = shas.filter((sha) => {
        const parent = this.git.commitObject(sha)?.parents[0];
        const here = this.objectAt(sha, path);
        return here !== (parent ? this.objectAt(parent, path) : null);
      });
    }
    const perPage = Number(query.get("per_page") ?? 30);
    const page = Number(query.get("page") ?? 1);
    const template = this.template<Record<string, unknown>[]>("repos/list-commits", 200)[0] ?? {};
    return shas.slice((page - 1) * perPage, page * perPage).map((sha) => {
      const c = this.requireCommit(sha, 404);
      return {
        ...template,
        sha,
        node_id: `C_${sha.slice(0, 12)}`,
        url: this.apiRepo(`commits/${sha}`),
        html_url: `${this.repositoryUrl}/commit/${sha}`,
        comments_url: this.apiRepo(`commits/${sha}/comments`),
        commit: {
          url: this.apiRepo(`git/commits/${sha}`),
          author: c.author,
          committer: c.committer,
          message: c.message,
          comment_count: 0,
          verification: this.verificationJson(sha),
          tree: { sha: c.tree, url: this.apiRepo(`git/trees/${c.tree}`) },
        },
        author: null,
        committer: null,
        parents: c.parents.map((p) => ({ sha: p, url: this.apiRepo(`commits/${p}`), html_url: `${this.repositoryUrl}/commit/${p}` })),
        files: undefined,
        stats: undefined,
      };
    });
  }

  private requirePull(number: string | undefined): ServerPull {
    const pull = this.pulls.get(Number(number));
    if (!pull) throw new HttpError(404, "Not Found");
    return pull;
  }

  private headSha(pull: ServerPull): string {
    return pull.state === "open" ? (this.git.refs.get(`refs/heads/${pull.head}`) ?? pull.headSha) : pull.headSha;
  }

  private createPull(input: Record<string, unknown>): unknown {
    const head = String(input.head).replace(new RegExp(`^${this.owner}:`, "i"), "");
    const base = String(input.base);
    const headSha = this.git.refs.get(`refs/heads/${head}`);
    if (!headSha) throw new HttpError(422, "Validation Failed", [{ resource: "PullRequest", field: "head", code: "invalid" }]);
    if (!this.git.refs.has(`refs/heads/${base}`)) throw new HttpError(422, "Validation Failed", [{ resource: "PullRequest", field: "base", code: "invalid" }]);
    if ([...this.pulls.values()].some((p) => p.state === "open" && p.head === head && p.base === base)) {
      throw new HttpError(422, "Validation Failed", [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${this.owner}:${head}.` }]);
    }
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const pull: ServerPull = {
      number: this.nextPull++,
      title: String(input.title ?? ""),
      body: String(input.body ?? ""),
      head,
      base,
      headSha,
      state: "open",
      draft: input.draft === true,
      mergedAt: null,
      mergeCommitSha: null,
      labels: [],
      createdAt: now,
      updatedAt: now,
    };
    this.pulls.set(pull.number, pull);
    return this.pullJson(pull);
  }

  /** Test setup: a pull request opened by someone else (e.g. before a retry). */
  openPull(head: string, base: string, title: string): ServerPull {
    this.createPull({ head, base, title, body: "" });
    return this.pulls.get(this.nextPull - 1) as ServerPull;
  }

  private updatePull(pull: ServerPull, input: Record<string, unknown>): unknown {
    if (typeof input.title === "string") pull.title = input.title;
    if (typeof input.body === "string") pull.body = input.body;
    if (input.state === "closed" && pull.state === "open") {
      pull.headSha = this.headSha(pull);
      pull.state = "closed";
    }
    pull.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    return this.pullJson(pull);
  }

  private mergePull(pull: ServerPull, input: Record<string, unknown>): unknown {
    if (pull.state !== "open" || pull.draft) throw new HttpError(405, "Pull Request is not mergeable");
    const head = this.headSha(pull);
    const blocked = this.protectionBlock(pull, head);
    if (blocked) throw new HttpError(405, blocked);
    if (typeof input.sha === "string" && input.sha !== head) throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
    const base = this.git.refs.get(`refs/heads/${pull.base}`) ?? "";
    if (!this.git.isAncestor(base, head)) throw new HttpError(405, "Pull Request is not mergeable");
    const sha = this.landPull(pull, input.merge_method === "squash" || input.merge_method === "rebase" ? "squash" : "merge", typeof input.commit_message === "string" ? input.commit_message : undefined);
    return { sha, merged: true, message: "Pull Request successfully merged" };
  }

  /** Writes the merge commit, moves the base branch, closes the pull request as merged and announces it. */
  private landPull(pull: ServerPull, method: "merge" | "squash", commitMessage?: string): string {
    const head = this.headSha(pull);
    const base = this.git.refs.get(`refs/heads/${pull.base}`) ?? "";
    const tree = this.git.commitObject(head)?.tree ?? "";
    const message = commitMessage ?? `Merge pull request #${pull.number} from ${this.owner}/${pull.head}`;
    const sha = this.git.commit({ tree, parents: method === "merge" ? [base, head] : [base], message });
    this.git.refs.set(`refs/heads/${pull.base}`, sha);
    Object.assign(pull, { state: "closed", headSha: head, autoMerge: null, mergedAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"), mergeCommitSha: sha });
    this.onEvent?.({ kind: "pull_request.merged", pull: { ...pull }, before: base, after: sha });
    return sha;
  }

  /** Check runs of a commit as CI reports them; an auto-merge waiting for them merges once they pass, as GitHub does. */
  reportChecks(sha: string, runs: { name: string; status: "queued" | "in_progress" | "completed"; conclusion: "success" | "failure" | null }[]): void {
    this.checkRuns.set(sha, runs);
    this.settleAutoMerge();
  }

  /** Merges every open pull request whose auto-merge is on and whose branch protection now passes (after a check or review changed). */
  settleAutoMerge(): number[] {
    const merged: number[] = [];
    for (const pull of this.pulls.values()) {
      if (pull.state !== "open" || pull.draft || !pull.autoMerge) continue;
      const head = this.headSha(pull);
      if (this.protectionBlock(pull, head)) continue;
      const base = this.git.refs.get(`refs/heads/${pull.base}`) ?? "";
      // Behind its base (as mergePull requires): it waits, as GitHub's does for a branch that must be updated.
      if (!this.git.isAncestor(base, head)) continue;
      this.landPull(pull, pull.autoMerge.method === "MERGE" ? "merge" : "squash");
      merged.push(pull.number);
    }
    return merged;
  }

  /**
   * createCommitOnBranch as GitHub carries it out: on an existing branch whose tip is `expectedHeadOid`
   * (else refused), additions (base64) and deletions applied to the tip's tree, one commit authored by
   * the acting App's bot and signed by GitHub (verified), the branch moved to it.
   */
  private createCommitOnBranch(input: Record<string, unknown>, bot: string): unknown {
    const branch = (input.branch ?? {}) as { branchName?: string; repositoryNameWithOwner?: string; id?: string };
    if (!branch.branchName || branch.repositoryNameWithOwner?.toLowerCase() !== `${this.owner}/${this.repo}`.toLowerCase()) {
      throw new GraphqlRefusal("NOT_FOUND", `Could not resolve to a Repository with the name '${branch.repositoryNameWithOwner ?? ""}'.`);
    }
    const ref = `refs/heads/${branch.branchName}`;
    const tip = this.git.refs.get(ref);
    if (!tip) throw new GraphqlRefusal("UNPROCESSABLE", `A ref named "${ref}" does not exist`);
    if (input.expectedHeadOid !== tip) throw new GraphqlRefusal("UNPROCESSABLE", `Expected branch to point to "${String(input.expectedHeadOid)}" but it did not. Pull and try again.`);
    const files = this.git.files(this.git.commitObject(tip)?.tree ?? "");
    const changes = (input.fileChanges ?? {}) as { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
    for (const d of changes.deletions ?? []) {
      if (!files.delete(d.path)) throw new GraphqlRefusal("UNPROCESSABLE", `A path was requested for deletion which does not exist as of commit oid \`${tip}\``);
    }
    for (const a of changes.additions ?? []) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(a.contents)) throw new GraphqlRefusal("UNPROCESSABLE", `Invalid base64 contents for ${a.path}`);
      files.set(a.path, { mode: files.get(a.path)?.mode ?? "100644", sha: this.git.blob(Buffer.from(a.contents, "base64")) });
    }
    const message = (input.message ?? {}) as { headline?: string; body?: string | null };
    const text = message.body ? `${message.headline ?? ""}\n\n${message.body}` : (message.headline ?? "");
    const sha = this.git.commit({ tree: this.git.buildTree(files), parents: [tip], message: text, author: { name: `${bot}[bot]`, email: `${bot}[bot]@users.noreply.github.com` } });
    this.git.refs.set(ref, sha);
    this.verified.add(sha);
    return {
      clientMutationId: input.clientMutationId ?? null,
      commit: { oid: sha, url: `${this.repositoryUrl}/commit/${sha}`, message: text },
      ref: { name: branch.branchName, prefix: "refs/heads/", target: { __typename: "Commit", oid: sha } },
    };
  }

  /** GraphQL node id of a pull request (GitHub's are opaque; these only need to round-trip). */
  private pullNodeId(number: number): string {
    return `PR_${Buffer.from(`${this.owner}/${this.repo}#${number}`).toString("base64url")}`;
  }

  private pullByNodeId(id: unknown): ServerPull {
    const pull = [...this.pulls.values()].find((p) => this.pullNodeId(p.number) === id);
    if (!pull) throw new GraphqlRefusal("NOT_FOUND", `Could not resolve to a node with the global id of '${String(id)}'`);
    return pull;
  }

  /** The Mutation fields the server implements, as GitHub answers them (refusals are UNPROCESSABLE errors beside null data). */
  private mutations(): Record<string, (args: { input: Record<string, unknown> }) => unknown> {
    const actor = { __typename: "Bot", login: "ferry-app" };
    return {
      enablePullRequestAutoMerge: ({ input }) => {
        const pull = this.pullByNodeId(input.pullRequestId);
        if (pull.state !== "open") throw new GraphqlRefusal("UNPROCESSABLE", "Pull request is not open");
        if (!this.allowAutoMerge) throw new GraphqlRefusal("UNPROCESSABLE", "Auto merge is not allowed for this repository");
        if (pull.draft) throw new GraphqlRefusal("UNPROCESSABLE", "Can't enable auto-merge for this pull request: it is a draft");
        const head = this.headSha(pull);
        if (typeof input.expectedHeadOid === "string" && input.expectedHeadOid !== head) throw new GraphqlRefusal("UNPROCESSABLE", "Head sha didn't match expected head sha");
        if (!this.protectionBlock(pull, head)) throw new GraphqlRefusal("UNPROCESSABLE", "Pull request is in clean status");
        const method = input.mergeMethod === "SQUASH" || input.mergeMethod === "REBASE" ? input.mergeMethod : "MERGE";
        pull.autoMerge = { enabledBy: actor.login, method, enabledAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") };
        pull.updatedAt = pull.autoMerge.enabledAt;
        return { actor, clientMutationId: input.clientMutationId ?? null, pullRequest: this.pullGraph(pull.number) };
      },
      createCommitOnBranch: ({ input }) => this.createCommitOnBranch(input, actor.login),
      disablePullRequestAutoMerge: ({ input }) => {
        const pull = this.pullByNodeId(input.pullRequestId);
        pull.autoMerge = null;
        return { actor, clientMutationId: input.clientMutationId ?? null, pullRequest: this.pullGraph(pull.number) };
      },
    };
  }

  /** Why branch protection refuses merging `head` now (GitHub's 405 messages), or null. */
  private protectionBlock(pull: ServerPull, head: string): string | null {
    const rules = this.protection.get(pull.base);
    if (!rules) return null;
    const runs = this.checkRuns.get(head) ?? [];
    for (const name of rules.requiredChecks) {
      const run = runs.find((r) => r.name === name);
      if (!run || run.status !== "completed") return `Required status check "${name}" is expected.`;
      if (run.conclusion !== "success") return `Required status check "${name}" is failing.`;
    }
    const latest = new Map<string, string>();
    for (const r of this.reviews.get(pull.number) ?? []) latest.set(r.login, r.state);
    const approvals = [...latest.values()].filter((s) => s === "APPROVED").length;
    if (approvals < rules.requiredApprovals) return `At least ${rules.requiredApprovals} approving review is required by reviewers with write access.`;
    return null;
  }

  private requestReviewers(pull: ServerPull, input: Record<string, unknown>): unknown {
    const template = this.template("pulls/request-reviewers", 201);
    const author = ((template as { user?: { login?: string } }).user?.login ?? "").toLowerCase();
    const users = Array.isArray(input.reviewers) ? input.reviewers.map(String) : [];
    const teams = Array.isArray(input.team_reviewers) ? input.team_reviewers.map(String) : [];
    if (users.some((u) => u.toLowerCase() === author)) throw new HttpError(422, "Review cannot be requested from pull request author.");
    pull.requestedReviewers = [...new Set([...(pull.requestedReviewers ?? []), ...users])];
    pull.requestedTeams = [...new Set([...(pull.requestedTeams ?? []), ...teams])];
    return this.pullJson(pull, template);
  }

  private branchJson(branch: string): unknown {
    const sha = this.git.refs.get(`refs/heads/${branch}`);
    if (!sha) throw new HttpError(404, "Branch not found");
    const t = this.template<Record<string, unknown> & { commit: Record<string, unknown> }>("repos/get-branch", 200);
    const rules = this.protection.get(branch);
    const url = this.apiRepo(`branches/${encodeURIComponent(branch)}`);
    return {
      ...t,
      name: branch,
      commit: { ...t.commit, sha, url: this.apiRepo(`commits/${sha}`), html_url: `${this.repositoryUrl}/commit/${sha}` },
      protected: rules !== undefined,
      protection: rules
        ? { enabled: true, required_status_checks: { enforcement_level: "non_admins", contexts: rules.requiredChecks, checks: rules.requiredChecks.map((context) => ({ context, app_id: null })) } }
        : { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
      protection_url: `${url}/protection`,
    };
  }

  private protectionJson(branch: string): unknown {
    const rules = this.protection.get(branch);
    if (!rules) throw new HttpError(404, "Branch not protected");
    if (!rules.adminReadable) throw new HttpError(403, "Resource not accessible by integration");
    const url = this.apiRepo(`branches/${encodeURIComponent(branch)}/protection`);
    // Built, not taken from the description's example: its teams (restrictions, dismissal_restrictions) lack a required field.
    return {
      url,
      enabled: true,
      required_status_checks: { url: `${url}/required_status_checks`, enforcement_level: "non_admins", contexts: rules.requiredChecks, checks: rules.requiredChecks.map((context) => ({ context, app_id: null })), strict: false },
      required_pull_request_reviews: { url: `${url}/required_pull_request_reviews`, dismiss_stale_reviews: false, require_code_owner_reviews: false, required_approving_review_count: rules.requiredApprovals },
    };
  }

  private listPulls(query: URLSearchParams): unknown {
    const state = query.get("state") ?? "open";
    const head = query.get("head")?.replace(/^[^:]+:/, "");
    const base = query.get("base");
    const template = this.template<Record<string, unknown>[]>("pulls/list", 200)[0] ?? {};
    return [...this.pulls.values()]
      .filter((p) => (state === "all" || p.state === state) && (!head || p.head === head) && (!base || p.base === base))
      .sort((a, b) => b.number - a.number)
      .map((p) => this.pullJson(p, template));
  }

  private repoJson(template: unknown): unknown {
    const repo = (template ?? {}) as Record<string, unknown>;
    const owner = (repo.owner ?? {}) as Record<string, unknown>;
    return { ...repo, name: this.repo, full_name: `${this.owner}/${this.repo}`, html_url: this.repositoryUrl, owner: { ...owner, login: this.owner } };
  }

  pullJson(pull: ServerPull, template: Record<string, unknown> = this.template("pulls/get", 200)): Record<string, unknown> {
    const headSha = this.headSha(pull);
    const baseSha = this.git.refs.get(`refs/heads/${pull.base}`) ?? "";
    const t = template as { head: Record<string, unknown>; base: Record<string, unknown> } & Record<string, unknown>;
    const full = "mergeable" in template;
    const conflict = pull.state === "open" && this.git.mergeFiles(baseSha, headSha) === null;
    const url = this.apiRepo(`pulls/${pull.number}`);
    return {
      ...t,
      url,
      id: 1000 + pull.number,
      number: pull.number,
      html_url: `${this.repositoryUrl}/pull/${pull.number}`,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      draft: pull.draft,
      labels: pull.labels.map((name, i) => this.labelJson(name, i)),
      requested_reviewers: (pull.requestedReviewers ?? []).map((login, i) => ({ ...((t as { user?: object }).user ?? {}), login, id: 3000 + i })),
      requested_teams: (pull.requestedTeams ?? []).map((slug, i) => this.teamJson(slug, 4000 + i)),
      assignees: [],
      assignee: null,
      milestone: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.state === "closed" ? pull.updatedAt : null,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      auto_merge: pull.autoMerge
        ? { enabled_by: { ...((t as { user?: object }).user ?? {}), login: pull.autoMerge.enabledBy, type: "Bot" }, merge_method: pull.autoMerge.method.toLowerCase(), commit_title: "", commit_message: "" }
        : null,
      head: { ...t.head, ref: pull.head, sha: headSha, label: `${this.owner}:${pull.head}`, repo: this.repoJson(t.head.repo) },
      base: { ...t.base, ref: pull.base, sha: baseSha, label: `${this.owner}:${pull.base}`, repo: this.repoJson(t.base.repo) },
      ...(full
        ? {
            merged: pull.mergedAt !== null,
            mergeable: pull.state === "open" ? !conflict : null,
            // "dirty": GitHub's word for a merge conflict.
            mergeable_state: pull.state !== "open" ? "unknown" : conflict ? "dirty" : "clean",
            merged_by: null,
          }
        : {}),
    };
  }

  /** A pull request as GitHub's GraphQL PullRequest object (the fields Ferry's poll reads, and a few more). */
  pullGraph(number: number): Record<string, unknown> | null {
    const pull = this.pulls.get(number);
    if (!pull) return null;
    const head = this.headSha(pull);
    const open = pull.state === "open";
    const conflict = open && this.git.mergeFiles(this.git.refs.get(`refs/heads/${pull.base}`) ?? "", head) === null;
    const latest = new Map<string, { state: string; at: string }>();
    for (const r of this.reviews.get(number) ?? []) latest.set(r.login, { state: r.state, at: r.at });
    const runs = this.checkRuns.get(head) ?? [];
    const rollup = runs.some((r) => r.status === "completed" && r.conclusion === "failure") ? "FAILURE" : runs.some((r) => r.status !== "completed") ? "PENDING" : "SUCCESS";
    return {
      id: this.pullNodeId(pull.number),
      number: pull.number,
      title: pull.title,
      body: pull.body,
      url: `${this.repositoryUrl}/pull/${pull.number}`,
      autoMergeRequest: pull.autoMerge
        ? { enabledAt: pull.autoMerge.enabledAt, enabledBy: { __typename: "Bot", login: pull.autoMerge.enabledBy }, mergeMethod: pull.autoMerge.method, authorEmail: null, commitBody: null, commitHeadline: null }
        : null,
      state: pull.mergedAt ? "MERGED" : open ? "OPEN" : "CLOSED",
      isDraft: pull.draft,
      createdAt: pull.createdAt,
      updatedAt: pull.updatedAt,
      headRefName: pull.head,
      baseRefName: pull.base,
      headRefOid: head,
      mergeable: !open ? "UNKNOWN" : conflict ? "CONFLICTING" : "MERGEABLE",
      mergeCommit: pull.mergeCommitSha ? { oid: pull.mergeCommitSha } : null,
      latestReviews: () => ({ nodes: [...latest].map(([login, r]) => ({ state: r.state, submittedAt: r.at, author: { __typename: "User", login } })) }),
      statusCheckRollup: runs.length ? { state: rollup } : null,
    };
  }

  /** A team as GitHub's "team" schema requires it (the description's examples lack `parent` and `type`). */
  private teamJson(slug: string, id: number): Record<string, unknown> {
    const url = `${this.origin}${API_ROOT}/orgs/${this.owner}/teams/${slug}`;
    return { id, node_id: `T_${id}`, url, members_url: `${url}/members{/member}`, name: slug, description: null, permission: "pull", html_url: `${this.origin}/orgs/${this.owner}/teams/${slug}`, repositories_url: `${url}/repos`, slug, parent: null, type: "organization" };
  }

  private createComment(pull: ServerPull, body: string): unknown {
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const list = this.comments.get(pull.number) ?? [];
    list.push({ body, at });
    this.comments.set(pull.number, list);
    const template = this.template("issues/create-comment", 201);
    const id = 7000 + list.length;
    return { ...template, id, node_id: `IC_${id}`, url: this.apiRepo(`issues/comments/${id}`), html_url: `${this.repositoryUrl}/pull/${pull.number}#issuecomment-${id}`, issue_url: this.apiRepo(`issues/${pull.number}`), body, created_at: at, updated_at: at };
  }

  private labelJson(name: string, i: number): unknown {
    return { id: 500 + i, node_id: `L_${i}`, url: this.apiRepo(`labels/${encodeURIComponent(name)}`), name, description: null, color: "ededed", default: false };
  }

  private reviewsJson(number: number): unknown {
    const template = this.template<Record<string, unknown>[]>("pulls/list-reviews", 200)[0] ?? {};
    const user = (template.user ?? {}) as Record<string, unknown>;
    return (this.reviews.get(number) ?? []).map((r, i) => ({ ...template, id: 80 + i, user: { ...user, login: r.login }, state: r.state, submitted_at: r.at, commit_id: this.pulls.get(number)?.headSha ?? null }));
  }

  private checkRunsJson(ref: string): unknown {
    const template = this.template<{ check_runs: Record<string, unknown>[] }>("checks/list-for-ref", 200).check_runs[0] ?? {};
    const runs = (this.checkRuns.get(ref) ?? []).map((r, i) => ({
      ...template,
      id: 900 + i,
      head_sha: ref,
      name: r.name,
      status: r.status,
      conclusion: r.conclusion,
      completed_at: r.status === "completed" ? "2026-01-01T00:00:00Z" : null,
    }));
    return { total_count: runs.length, check_runs: runs };
  }

  private combinedStatusJson(ref: string): unknown {
    const template = this.template("repos/get-combined-status-for-ref", 200);
    return { ...template, state: "pending", sha: ref, total_count: 0, statuses: [], repository: this.repoJson(template.repository) };
  }
}
