import type { MergeGate, MergeGates } from "@/lib/scm/types";

// Whether Ferry's Merge may go ahead, judged from the forge's merge gates of the exact head commit
// the reviewer saw: a required gate that is not green refuses, with the reason.

/** The gates that hold a merge back: required and not (yet) green. */
export function blockingGates(gates: MergeGates): MergeGate[] {
  return gates.gates.filter((g) => g.required && g.state !== "success");
}

/**
 * Why the change may not be merged now, or null. `headSha` is the commit the reviewer saw: gates read
 * for another commit say nothing about it.
 */
export function gateRefusal(gates: MergeGates, headSha: string | null): string | null {
  if (headSha && gates.headSha && gates.headSha !== headSha) {
    return `The forge's head is ${gates.headSha.slice(0, 10)}, not ${headSha.slice(0, 10)} that you reviewed: reload the page and review it again.`;
  }
  const blocking = blockingGates(gates);
  if (blocking.length === 0) return null;
  const failing = blocking.filter((g) => g.state === "failure");
  const waiting = blocking.filter((g) => g.state === "pending");
  const parts = [
    failing.length ? `${list(failing)} ${failing.length === 1 ? "has" : "have"} failed` : null,
    waiting.length ? `${list(waiting)} ${waiting.length === 1 ? "is" : "are"} still pending` : null,
  ].filter((p): p is string => p !== null);
  return `Not mergeable yet: ${parts.join("; ")} on ${gates.headSha.slice(0, 10)}.`;
}

function list(gates: MergeGate[]): string {
  return gates.map(describe).join(", ");
}

function describe(gate: MergeGate): string {
  switch (gate.kind) {
    case "draft":
      return "the draft flag";
    case "review":
      return gate.name === "Required approvals" ? `required approvals (${gate.detail ?? ""})` : `the review by ${gate.name}`;
    case "approval":
      return `approval rule "${gate.name}"${gate.detail ? ` (${gate.detail})` : ""}`;
    case "check":
      return `required check "${gate.name}"`;
    case "pipeline":
      return gate.name.toLowerCase();
  }
}
