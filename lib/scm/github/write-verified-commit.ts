import { ConflictError, InvalidInputError, StaleBaseError } from "../errors";
import { assertChangeList } from "../git/commit-changes";
import { assertCommitMessage, assertIdentity } from "../git/write-arguments";
import type { CreateBranchWithCommitInput } from "../types";
import { assertBranchName } from "./arguments";
import { fail, OBJECT_ID, type GitHubContext } from "./context";
import { publishBranch, treeItems, type BaseTreeLookup } from "./write-commit";

// The write path for a GitHub App installation: GraphQL `createCommitOnBranch`, which GitHub carries
// out itself and signs with its own key, so the commit shows as "Verified" (a commit pushed as git
// objects through the REST API is unsigned). The mutation only appends to an existing branch, so the
// branch is first put at the planned base (`POST git/refs`, or `PATCH` with force to rebuild it), and
// `expectedHeadOid: baseSha` makes the commit a compare-and-swap: if anyone moved the branch in
// between, GitHub refuses and nothing is written on top of their commit.
// GitHub records the App's bot as the author; the person who asked is named in a Co-authored-by trailer.

const MUTATION = `mutation ferryCommit($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`;

export async function createVerifiedBranchCommit(ctx: GitHubContext, input: CreateBranchWithCommitInput, baseTree: BaseTreeLookup): Promise<{ commitSha: string }> {
  assertBranchName(ctx.name, input.branch);
  if (!OBJECT_ID.test(input.baseSha)) throw new InvalidInputError(ctx.name, `"${input.baseSha}" is not a full commit sha: plan changes against a resolved commit.`);
  assertCommitMessage(ctx.name, input.message);
  assertIdentity(ctx.name, input.author, "author");
  assertChangeList(ctx.name, input.changes);

  const base = await baseTree(input.baseSha);
  const items = treeItems(ctx.name, input.changes, new Map(base.entries.map((e) => [e.path, e.mode])));
  if (items.length === 0) throw new InvalidInputError(ctx.name, "The changes only delete files that do not exist: there is nothing to commit.");
  const additions = items.flatMap((i) => ("content" in i ? [{ path: i.path, contents: Buffer.from(i.content, "utf8").toString("base64") }] : []));
  const deletions = items.flatMap((i) => ("content" in i ? [] : [{ path: i.path }]));

  await publishBranch(ctx, input.branch, input.baseSha, input.force ?? false, input.replaces);
  const [headline = "", ...rest] = input.message.split("\n");
  const body = [rest.join("\n").trim(), `Co-authored-by: ${input.author.name} <${input.author.email}>`].filter(Boolean).join("\n\n");
  try {
    const answer = await ctx.octokit.graphql<{ createCommitOnBranch: { commit: { oid: string } | null } }>(MUTATION, {
      input: {
        branch: { repositoryNameWithOwner: `${ctx.owner}/${ctx.repo}`, branchName: input.branch },
        expectedHeadOid: input.baseSha,
        message: { headline, body },
        fileChanges: { additions, deletions },
      },
    });
    const oid = answer.createCommitOnBranch.commit?.oid;
    if (!oid) throw new ConflictError(ctx.name, `GitHub did not say which commit it made on "${input.branch}".`);
    return { commitSha: oid };
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "GraphqlResponseError") throw fail(ctx, error, `commit to branch "${input.branch}"`);
    const message = ((error as Error & { errors?: { message?: string }[] }).errors ?? []).map((e) => e.message ?? "").join("; ");
    // Someone moved the branch between putting it at the base and the commit: theirs stays, nothing is written.
    if (/expected branch to point to/i.test(message)) throw new StaleBaseError(ctx.name, input.branch, input.baseSha, null, { cause: error });
    throw new ConflictError(ctx.name, `GitHub refused the commit to "${input.branch}" of "${ctx.name}": ${message || error.message}`, { cause: error });
  }
}
