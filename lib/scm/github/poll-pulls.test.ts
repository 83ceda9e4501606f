import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { pollQuery, reshapeGraphPull } from "./poll-pulls";

// The poll's GraphQL query is checked against GitHub's published schema (the same one the test
// server executes it with), and its answers are read into the domain's change request state.

const pull = {
  number: 7,
  state: "OPEN" as const,
  isDraft: false,
  url: "https://github.com/acme/gitops/pull/7",
  updatedAt: "2026-12-02T10:00:00Z",
  headRefOid: "a".repeat(40),
  mergeable: "CONFLICTING" as const,
  mergeCommit: null,
  latestReviews: { nodes: [{ state: "APPROVED", submittedAt: "2026-12-02T09:00:00Z", author: { login: "bob" } }] },
  statusCheckRollup: { state: "PENDING" as const },
};

describe("GitHub poll query", () => {
  it("is a valid query of GitHub's GraphQL schema, one alias per pull request", async () => {
    const { schema } = await import("@octokit/graphql-schema");
    const query = pollQuery([3, 12]);
    expect(validate(buildSchema(schema.idl, { assumeValidSDL: true }), parse(query))).toEqual([]);
    expect(query).toContain("pr3: pullRequest(number: 3)");
    expect(query).toContain("pr12: pullRequest(number: 12)");
  });

  it("reads conflicts, reviews and checks; UNKNOWN mergeability is not a verdict", () => {
    expect(reshapeGraphPull(pull)).toEqual({
      number: 7,
      state: "open",
      url: pull.url,
      headSha: "a".repeat(40),
      mergeCommitSha: null,
      updatedAt: new Date("2026-12-02T10:00:00Z"),
      mergeable: false,
      conflict: true,
      reviewState: "approved",
      checksState: "pending",
    });
    expect(reshapeGraphPull({ ...pull, mergeable: "UNKNOWN" })).toMatchObject({ mergeable: null, conflict: null });
    expect(reshapeGraphPull({ ...pull, mergeable: "MERGEABLE", isDraft: true })).toMatchObject({ state: "draft", mergeable: true, conflict: false });
    expect(reshapeGraphPull({ ...pull, state: "MERGED", mergeCommit: { oid: "b".repeat(40) } })).toMatchObject({ state: "merged", mergeCommitSha: "b".repeat(40), conflict: null });
  });
});
