import { Webhooks } from "@octokit/webhooks";
import type { PrismaClient } from "@/lib/db/client";
import { normaliseRepositoryUrl } from "@/lib/scm/github/location";
import { forgetDelivery, recordDelivery } from "./deliveries";
import { secretNotConfigured } from "./secret";
import { log } from "@/lib/observability/log";

// GitHub webhooks → background jobs. The route only hands over the raw body and headers; this
// module verifies the signature, maps the payload to a configured repository, de-duplicates the
// delivery and queues work. It replies fast (no forge calls here): the jobs do the reading.

export interface GitHubWebhookDeps {
  prisma: PrismaClient;
  /** FERRY_GITHUB_WEBHOOK_SECRET; undefined when not configured (every delivery then gets 503). */
  secret: string | undefined;
  enqueueRepositorySync(repository: string): Promise<void>;
  enqueueChangeRefresh(repository: string, number: number): Promise<void>;
}

export interface WebhookRequest {
  /** The raw body exactly as received: the signature is computed over these bytes. */
  body: string;
  headers: Headers;
}

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

export type GitHubJob = { kind: "sync"; repository: string } | { kind: "refresh"; repository: string; number: number };

/** pull_request actions that change what the portal shows (state, head, draft flag). */
const PULL_REQUEST_ACTIONS = new Set(["opened", "closed", "reopened", "synchronize", "ready_for_review", "converted_to_draft", "edited"]);

interface RepositoryRow {
  id: number;
  name: string;
  url: string;
  defaultBranch: string;
}

export async function handleGitHubWebhook(deps: GitHubWebhookDeps, request: WebhookRequest): Promise<WebhookResponse> {
  if (!deps.secret) return secretNotConfigured("github");
  const signature = request.headers.get("x-hub-signature-256");
  if (!signature || !(await verifySignature(deps.secret, request.body, signature))) {
    return { status: 401, body: { error: "Invalid or missing X-Hub-Signature-256." } };
  }
  const event = request.headers.get("x-github-event");
  const delivery = request.headers.get("x-github-delivery");
  if (!event || !delivery) return { status: 400, body: { error: "X-GitHub-Event and X-GitHub-Delivery are required." } };
  const payload = parsePayload(request.body, request.headers.get("content-type"));
  if (payload === null) return { status: 400, body: { error: "The payload is not a JSON object." } };
  if (event === "ping") return { status: 200, body: { ok: true, event } };

  try {
    const repository = await findRepository(deps.prisma, payload);
    if (!repository) return { status: 202, body: { ignored: "repository not configured" } };
    const jobs = await jobsFor(deps.prisma, event, payload, repository);
    if (jobs.length === 0) return { status: 202, body: { ignored: `${event} needs no work` } };
    const key = { id: delivery, provider: "github" as const };
    if ((await recordDelivery(deps.prisma, { ...key, event, repository: repository.name })) === "duplicate") {
      return { status: 200, body: { duplicate: true } };
    }
    try {
      for (const job of jobs) {
        if (job.kind === "sync") await deps.enqueueRepositorySync(job.repository);
        else await deps.enqueueChangeRefresh(job.repository, job.number);
      }
    } catch (error) {
      // Nothing (or not everything) was queued: forget the delivery so GitHub's redelivery is processed.
      await forgetDelivery(deps.prisma, key).catch(() => undefined);
      throw error;
    }
    return { status: 202, body: { accepted: true, jobs: jobs.length } };
  } catch (error) {
    // Database or queue down: 503 asks GitHub (or an admin's redelivery) to try again later.
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    log("warn", "webhook delivery not processed", { forge: "github", delivery, event, error: reason });
    return { status: 503, body: { error: "Temporarily unable to process the delivery; retry later." } };
  }
}

async function verifySignature(secret: string, body: string, signature: string): Promise<boolean> {
  try {
    return await new Webhooks({ secret }).verify(body, signature);
  } catch {
    return false; // a malformed signature header
  }
}

/** GitHub sends JSON, or `payload=<json>` when the hook's content type is form-encoded. */
function parsePayload(body: string, contentType: string | null): Record<string, unknown> | null {
  try {
    const json = contentType?.includes("application/x-www-form-urlencoded") ? new URLSearchParams(body).get("payload") ?? "" : body;
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The configured repository the payload is about: its web address compared with each row's URL. */
async function findRepository(prisma: PrismaClient, payload: Record<string, unknown>): Promise<RepositoryRow | null> {
  const repo = record(payload.repository);
  const htmlUrl = typeof repo.html_url === "string" ? normaliseRepositoryUrl(repo.html_url) : null;
  if (!htmlUrl) return null;
  const rows = await prisma.repository.findMany({ where: { provider: "github", archivedAt: null }, select: { id: true, name: true, url: true, defaultBranch: true } });
  return rows.find((row) => normaliseRepositoryUrl(row.url) === htmlUrl) ?? null;
}

/** What a delivery asks for; exported for tests. */
export async function jobsFor(prisma: PrismaClient, event: string, payload: Record<string, unknown>, repository: RepositoryRow): Promise<GitHubJob[]> {
  const refresh = (numbers: number[]): GitHubJob[] => [...new Set(numbers)].map((number) => ({ kind: "refresh", repository: repository.name, number }));
  switch (event) {
    case "push":
      return payload.ref === `refs/heads/${repository.defaultBranch}` ? [{ kind: "sync", repository: repository.name }] : [];
    case "pull_request":
      return typeof payload.action === "string" && PULL_REQUEST_ACTIONS.has(payload.action) ? refresh(numbersOf([payload.pull_request])) : [];
    case "pull_request_review":
      return refresh(numbersOf([payload.pull_request]));
    case "check_suite":
    case "check_run": {
      const subject = record(payload[event]);
      const numbers = numbersOf(Array.isArray(subject.pull_requests) ? subject.pull_requests : []);
      if (numbers.length > 0) return refresh(numbers);
      // Forks and some apps leave pull_requests empty: find Ferry's open change by its head commit.
      return refresh(await openChangesAt(prisma, repository.id, subject.head_sha));
    }
    case "status":
      return refresh(await openChangesAt(prisma, repository.id, payload.sha));
    default:
      return [];
  }
}

function numbersOf(pulls: unknown[]): number[] {
  return pulls.map((p) => record(p).number).filter((n): n is number => typeof n === "number" && Number.isSafeInteger(n) && n > 0);
}

async function openChangesAt(prisma: PrismaClient, repositoryId: number, sha: unknown): Promise<number[]> {
  if (typeof sha !== "string" || sha.length === 0) return [];
  const rows = await prisma.changeRequest.findMany({ where: { repositoryId, headSha: sha, state: { in: ["OPEN", "DRAFT"] }, number: { not: null } }, select: { number: true } });
  return rows.map((r) => r.number).filter((n): n is number => n !== null);
}
