import { createHash } from "node:crypto";
import type { ScaffoldPlan } from "@/lib/gitops/scaffold";

/**
 * A fingerprint of what a scaffold change request would contain: its branch, title and every file
 * (path, action, content). The preview hands it to the form; opening checks the plan it is about to
 * write against it, so the change request holds exactly the files the person saw. The description
 * (who requested it) is not part of it: it names the requester, not the files.
 */
export function scaffoldPlanDigest(plan: ScaffoldPlan): string | null {
  if (plan.status !== "changes") return null;
  const { branch, title, edits } = plan.changeSet;
  const files = [...edits].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((e) => [e.path, e.action, e.content]);
  return createHash("sha256").update(JSON.stringify({ branch, title, files })).digest("hex");
}

/** The refusal when the plan to open is not the one previewed (the request changed since the preview). */
export function notPreviewed(plan: ScaffoldPlan, expected: string | undefined): ScaffoldPlan | null {
  if (!expected || scaffoldPlanDigest(plan) === expected) return null;
  return {
    status: "refused",
    reason: "This is not what you previewed: the request or the files it would write differ from the preview. Nothing was opened; preview again and open what you see.",
  };
}
