import { changeRequestNotFound } from "../change-request-store";
import { ConflictError, InvalidInputError, StaleBaseError } from "../errors";
import type { EnableAutoMergeInput } from "../types";
import { assertChangeRequestNumber } from "./arguments";
import { fail, OBJECT_ID, type GitHubContext } from "./context";

// GitHub's auto-merge exists only in GraphQL (enablePullRequestAutoMerge / disablePullRequestAutoMerge,
// which take the pull request's node id): two requests each, the id lookup and the mutation.
// `expectedHeadOid` binds it to the head the reviewer saw: GitHub refuses when the branch moved.

const METHOD = { merge: "MERGE", squash: "SQUASH", rebase: "REBASE" } as const;

const ID_QUERY = `query ferryPullId($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) { pullRequest(number: $number) { id headRefOid headRefName } }
}`;

const ENABLE = `mutation ferryEnableAutoMerge($id: ID!, $mergeMethod: PullRequestMergeMethod!, $head: GitObjectID!) {
  enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod, expectedHeadOid: $head }) {
    pullRequest { autoMergeRequest { enabledAt } }
  }
}`;

const DISABLE = `mutation ferryDisableAutoMerge($id: ID!) {
  disablePullRequestAutoMerge(input: { pullRequestId: $id }) { pullRequest { number } }
}`;

type Pull = { id: string; headRefOid: string; headRefName: string };

export async function enablePullAutoMerge(ctx: GitHubContext, number: number, input: EnableAutoMergeInput): Promise<void> {
  assertChangeRequestNumber(ctx.name, number);
  if (!OBJECT_ID.test(input.expectedHeadSha)) throw new InvalidInputError(ctx.name, `"${input.expectedHeadSha}" is not a full git object id.`);
  const pull = await pullNode(ctx, number);
  if (pull.headRefOid !== input.expectedHeadSha) throw new StaleBaseError(ctx.name, pull.headRefName, input.expectedHeadSha, pull.headRefOid);
  try {
    await ctx.octokit.graphql(ENABLE, { id: pull.id, mergeMethod: METHOD[input.method ?? "merge"], head: input.expectedHeadSha });
  } catch (error) {
    const refusal = graphqlRefusal(error);
    if (refusal === null) throw fail(ctx, error, `turn on auto-merge of pull request #${number}`);
    // GitHub's refusal does not say which rule it applied: a moved head is told apart by reading it.
    const now = await pullNode(ctx, number).catch(() => null);
    if (now && now.headRefOid !== input.expectedHeadSha) throw new StaleBaseError(ctx.name, now.headRefName, input.expectedHeadSha, now.headRefOid, { cause: error });
    throw new ConflictError(ctx.name, `GitHub refused auto-merge of pull request #${number}: ${refusal}`, { cause: error });
  }
}

export async function disablePullAutoMerge(ctx: GitHubContext, number: number): Promise<void> {
  assertChangeRequestNumber(ctx.name, number);
  const pull = await pullNode(ctx, number);
  try {
    await ctx.octokit.graphql(DISABLE, { id: pull.id });
  } catch (error) {
    const refusal = graphqlRefusal(error);
    if (refusal === null) throw fail(ctx, error, `turn off auto-merge of pull request #${number}`);
    throw new ConflictError(ctx.name, `GitHub refused to turn off auto-merge of pull request #${number}: ${refusal}`, { cause: error });
  }
}

async function pullNode(ctx: GitHubContext, number: number): Promise<Pull> {
  let answer: { repository: { pullRequest: Pull | null } | null };
  try {
    answer = await ctx.octokit.graphql(ID_QUERY, { owner: ctx.owner, repo: ctx.repo, number });
  } catch (error) {
    if (graphqlRefusal(error) !== null) throw changeRequestNotFound(ctx.name, number);
    throw fail(ctx, error, `read pull request #${number}`);
  }
  const pull = answer.repository?.pullRequest;
  if (!pull) throw changeRequestNotFound(ctx.name, number);
  return pull;
}

/** The messages of a GraphQL answer that carried errors (GitHub's UNPROCESSABLE, NOT_FOUND…), or null for any other failure. */
function graphqlRefusal(error: unknown): string | null {
  if (!(error instanceof Error) || error.name !== "GraphqlResponseError") return null;
  const errors = (error as Error & { errors?: { message?: string }[] }).errors ?? [];
  return errors.map((e) => e.message ?? "").filter(Boolean).join("; ") || error.message;
}
