import type { Octokit } from "./client";

// Wire types: exactly what GitHub's REST API sends, taken from octokit's generated endpoint types
// (which come from GitHub's OpenAPI description). Only reshape.ts turns them into domain types.

type Rest = Octokit["rest"];
type DataOf<F> = F extends (...args: never[]) => Promise<{ data: infer D }> ? D : never;

export type WireRef = DataOf<Rest["git"]["getRef"]>;
export type WirePullRequest = DataOf<Rest["pulls"]["get"]>;
export type WirePullListItem = DataOf<Rest["pulls"]["list"]>[number];
export type WireReview = DataOf<Rest["pulls"]["listReviews"]>[number];
export type WireCheckRuns = DataOf<Rest["checks"]["listForRef"]>;
export type WireCombinedStatus = DataOf<Rest["repos"]["getCombinedStatusForRef"]>;
