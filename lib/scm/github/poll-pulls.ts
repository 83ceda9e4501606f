import type { ChangeRequest, KnownChangeRequest, PolledChangeRequest } from "../types";
import { fail, type GitHubContext } from "./context";
import { reshapeReviewState } from "./reshape";

// The polling fallback behind webhooks: every open Ferry pull request of a repository in ONE GraphQL
// request (aliases, up to 100 per query), with state, head, mergeability, reviews and checks. The REST
// equivalent is four calls per pull request; GitHub computes mergeability lazily, so UNKNOWN (still
// computing) is reported as null and the next poll reads the answer.

/** Aliases per query: GitHub allows far more, but one page of answers keeps a slow answer bounded. */
const PER_QUERY = 100;

const FIELDS = `
  number state isDraft url updatedAt headRefOid mergeable
  mergeCommit { oid }
  latestReviews(first: 100) { nodes { state submittedAt author { login } } }
  statusCheckRollup { state }`;

interface GraphPull {
  number: number;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  url: string;
  updatedAt: string;
  headRefOid: string;
  mergeable: "MERGEABLE" | "CONFLICTING" | "UNKNOWN";
  mergeCommit: { oid: string } | null;
  latestReviews: { nodes: ({ state: string; submittedAt: string | null; author: { login: string } | null } | null)[] | null } | null;
  statusCheckRollup: { state: "SUCCESS" | "FAILURE" | "ERROR" | "PENDING" | "EXPECTED" } | null;
}

type Answer = { repository: Record<string, GraphPull | null> | null };

export function pollQuery(numbers: readonly number[]): string {
  const aliases = numbers.map((n) => `pr${n}: pullRequest(number: ${n}) { ...ferryPoll }`).join("\n    ");
  return `query ferryPoll($owner: String!, $repo: String!) {\n  repository(owner: $owner, name: $repo) {\n    ${aliases}\n  }\n}\nfragment ferryPoll on PullRequest {${FIELDS}\n}`;
}

export async function pollPullRequests(ctx: GitHubContext, known: readonly KnownChangeRequest[]): Promise<PolledChangeRequest[]> {
  const numbers = [...new Set(known.map((k) => k.number))].filter((n) => Number.isSafeInteger(n) && n > 0);
  const out: PolledChangeRequest[] = [];
  for (let i = 0; i < numbers.length; i += PER_QUERY) {
    const answer = await query(ctx, numbers.slice(i, i + PER_QUERY));
    for (const pull of Object.values(answer.repository ?? {})) if (pull) out.push(reshapeGraphPull(pull));
  }
  return out;
}

async function query(ctx: GitHubContext, numbers: number[]): Promise<Answer> {
  try {
    return await ctx.octokit.graphql<Answer>(pollQuery(numbers), { owner: ctx.owner, repo: ctx.repo });
  } catch (error) {
    // A pull request that no longer exists is a NOT_FOUND error beside the others' data: keep the data.
    const partial = notFoundOnly(error);
    if (partial) return partial;
    throw fail(ctx, error, `read the state of ${numbers.length} pull request(s)`);
  }
}

/** @octokit/graphql's GraphqlResponseError (not re-exported by octokit) whose only errors are NOT_FOUND: its data. */
function notFoundOnly(error: unknown): Answer | null {
  if (!(error instanceof Error) || error.name !== "GraphqlResponseError") return null;
  const { data, errors } = error as Error & { data?: Answer; errors?: { type?: string }[] };
  return data && errors?.every((e) => e.type === "NOT_FOUND") ? data : null;
}

export function reshapeGraphPull(pull: GraphPull): PolledChangeRequest {
  const state: ChangeRequest["state"] = pull.state === "MERGED" ? "merged" : pull.state === "CLOSED" ? "closed" : pull.isDraft ? "draft" : "open";
  const open = state === "open" || state === "draft";
  const reviews = (pull.latestReviews?.nodes ?? []).flatMap((r, i) => (r ? [{ id: i, state: r.state, submitted_at: r.submittedAt, user: r.author ? { login: r.author.login } : null }] : []));
  return {
    number: pull.number,
    state,
    url: pull.url,
    headSha: pull.headRefOid,
    mergeCommitSha: state === "merged" ? (pull.mergeCommit?.oid ?? null) : null,
    updatedAt: new Date(pull.updatedAt),
    mergeable: !open || pull.mergeable === "UNKNOWN" ? null : pull.mergeable === "MERGEABLE",
    conflict: !open || pull.mergeable === "UNKNOWN" ? null : pull.mergeable === "CONFLICTING",
    reviewState: reshapeReviewState(reviews),
    checksState: reshapeRollup(pull.statusCheckRollup?.state ?? null),
  };
}

function reshapeRollup(state: NonNullable<GraphPull["statusCheckRollup"]>["state"] | null): ChangeRequest["checksState"] {
  if (state === null) return null;
  if (state === "SUCCESS") return "success";
  if (state === "PENDING" || state === "EXPECTED") return "pending";
  return "failure";
}
