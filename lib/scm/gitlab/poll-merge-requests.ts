import type { KnownChangeRequest, PolledChangeRequest } from "../types";
import { mapLimit } from "./client";
import type { GitLabContext } from "./context";
import { getMergeRequest } from "./merge-requests";
import { reshapeMergeRequest } from "./reshape";
import type { WireMergeRequest } from "./wire";

// The polling fallback behind webhooks: Ferry's merge requests of a project in ONE list request
// (`iids[]`, up to 100 per page), which carries state, head, merge commit and detailed_merge_status
// (conflicts). Approvals and the head pipeline are only in single reads: those are made for open
// merge requests whose updated_at moved since the last read, so an idle poll costs one request.

const PER_PAGE = 100;

export async function pollMergeRequests(ctx: GitLabContext, known: readonly KnownChangeRequest[]): Promise<PolledChangeRequest[]> {
  const seen = new Map(known.map((k) => [k.number, k.updatedAt]));
  const iids = [...seen.keys()].filter((n) => Number.isSafeInteger(n) && n > 0);
  const listed: WireMergeRequest[] = [];
  for (let i = 0; i < iids.length; i += PER_PAGE) {
    const page = iids.slice(i, i + PER_PAGE);
    const items = (await ctx.client.call({ action: `list ${page.length} merge request(s)` }, (api) =>
      api.MergeRequests.all({
        projectId: ctx.projectPath,
        iids: page,
        // Asks GitLab to recompute a stale merge status (a moved target branch) for the next poll.
        withMergeStatusRecheck: true,
        perPage: PER_PAGE,
        maxPages: 1,
      }),
    )) as unknown as WireMergeRequest[];
    listed.push(...items);
  }
  const moved = listed.filter((mr) => mr.state === "opened" && !sameTime(seen.get(mr.iid) ?? null, mr.updated_at));
  const details = new Map((await mapLimit(moved, 4, (mr) => getMergeRequest(ctx, mr.iid))).map((cr) => [cr.number, cr]));
  return listed.map((mr) => {
    const { number, state, headSha, mergeCommitSha, url, updatedAt, mergeable, conflict, reviewState, checksState } = details.get(mr.iid) ?? reshapeMergeRequest(ctx.repository, mr);
    return { number, state, headSha, mergeCommitSha, url, updatedAt, mergeable, conflict, reviewState, checksState };
  });
}

function sameTime(known: Date | null, iso: string): boolean {
  return known !== null && known.getTime() === Date.parse(iso);
}
