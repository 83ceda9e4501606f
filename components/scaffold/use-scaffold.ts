"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/action";
import type { OpenChangeResult } from "@/lib/changes/open-change";
import type { ScaffoldPreview } from "@/lib/changes/scaffold-tenant";
import type { ScaffoldPlan } from "@/lib/gitops/scaffold";

type Preview = (input: unknown) => Promise<ActionResult<ScaffoldPreview>>;
type Open = (input: unknown) => Promise<ActionResult<OpenChangeResult<ScaffoldPlan>>>;

/**
 * Preview → confirm → change request, shared by the onboarding and add-app forms. Confirming sends
 * the previewed head back, so a moved branch is planned and shown again rather than overwritten.
 */
export function useScaffold(preview: Preview, open: Open) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<ScaffoldPreview> | null>(null);
  const [outcome, setOutcome] = useState<ActionResult<OpenChangeResult<ScaffoldPlan>> | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const fieldErrors: Record<string, string> = {};
  if (result && !result.ok) for (const [k, v] of Object.entries(result.fieldErrors ?? {})) fieldErrors[k] = v[0] ?? "";
  if (result?.ok && result.data.plan.status === "refused") Object.assign(fieldErrors, result.data.plan.fieldErrors ?? {});
  if (outcome && !outcome.ok) for (const [k, v] of Object.entries(outcome.fieldErrors ?? {})) fieldErrors[k] = v[0] ?? "";

  function runPreview(input: Record<string, unknown>) {
    setOutcome(null);
    setNotice(null);
    start(async () => setResult(await preview(input)));
  }

  function confirm(input: Record<string, unknown>) {
    if (!result?.ok) return;
    start(async () => {
      const r = await open({ ...input, expectedBaseSha: result.data.baseSha });
      if (r.ok && r.data.status === "base-moved") {
        setNotice("The repository moved since you looked. This is the plan against the new head: review it and confirm again.");
        setResult(await preview(input));
        return;
      }
      setOutcome(r);
      if (r.ok && "change" in r.data) router.refresh();
    });
  }

  return { result, outcome, notice, pending, fieldErrors, runPreview, confirm, reset: () => setResult(null) };
}
