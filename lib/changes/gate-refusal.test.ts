import { describe, expect, it } from "vitest";
import type { MergeGate, MergeGates } from "@/lib/scm/types";
import { gateRefusal } from "./gate-refusal";

const HEAD = "a".repeat(40);
const gates = (list: MergeGate[], headSha = HEAD): MergeGates => ({ headSha, readAt: "2026-12-03T00:00:00Z", gates: list, requestedReviewers: [], notes: [] });

describe("gateRefusal", () => {
  it("allows a merge when every required gate is green, whatever optional ones say", () => {
    expect(gateRefusal(gates([]), HEAD)).toBeNull();
    expect(gateRefusal(gates([{ kind: "check", name: "build", state: "success", required: true }, { kind: "check", name: "lint", state: "failure", required: false }]), HEAD)).toBeNull();
  });

  it("refuses while a required check is pending, naming it and the commit", () => {
    expect(gateRefusal(gates([{ kind: "check", name: "build", state: "pending", required: true }]), HEAD)).toBe(`Not mergeable yet: required check "build" is still pending on ${HEAD.slice(0, 10)}.`);
  });

  it("names failed and pending gates apart", () => {
    const reason = gateRefusal(
      gates([
        { kind: "pipeline", name: "Pipeline #7", state: "failure", required: true },
        { kind: "approval", name: "SRE", state: "pending", required: true, detail: "0 of 1 approval" },
        { kind: "draft", name: "Draft", state: "pending", required: true },
      ]),
      HEAD,
    );
    expect(reason).toBe(`Not mergeable yet: pipeline #7 has failed; approval rule "SRE" (0 of 1 approval), the draft flag are still pending on ${HEAD.slice(0, 10)}.`);
  });

  it("refuses gates read for another commit than the one reviewed", () => {
    expect(gateRefusal(gates([], "b".repeat(40)), HEAD)).toMatch(/The forge's head is bbbbbbbbbb, not aaaaaaaaaa that you reviewed/);
  });
});
