"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/action";
import type { OpenChangeResult } from "@/lib/changes/open-change";
import type { ScaffoldPreview } from "@/lib/changes/scaffold-tenant";
import type { ScaffoldPlan } from "@/lib/gitops/scaffold";

type Preview = (input: unknown) => Promise<ActionResult<ScaffoldPreview>>;
type Open = (input: unknown) => Promise<ActionResult<OpenChangeResult<ScaffoldPlan>>>;
type Input = Record<string, unknown>;

const same = (a: Input, b: Input) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Preview → confirm → change request, shared by the onboarding and add-app forms. `current` is what
 * the form holds now. Confirming opens exactly what was previewed: the previewed input (never the
 * form as it is now), with the previewed head and the plan's digest, so the server refuses to write
 * other files. Once the form differs from the preview, `stale` is true and opening is refused until
 * the person previews again. A moved branch is planned and shown again rather than overwritten.
 */
export function useScaffold(preview: Preview, open: Open, current: Input) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<ScaffoldPreview> | null>(null);
  const [previewed, setPreviewed] = useState<Input | null>(null);
  const [outcome, setOutcome] = useState<ActionResult<OpenChangeResult<ScaffoldPlan>> | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const fieldErrors: Record<string, string> = {};
  if (result && !result.ok) for (const [k, v] of Object.entries(result.fieldErrors ?? {})) fieldErrors[k] = v[0] ?? "";
  if (result?.ok && result.data.plan.status === "refused") Object.assign(fieldErrors, result.data.plan.fieldErrors ?? {});
  if (outcome && !outcome.ok) for (const [k, v] of Object.entries(outcome.fieldErrors ?? {})) fieldErrors[k] = v[0] ?? "";

  const stale = result?.ok === true && previewed !== null && !same(previewed, current);

  function runPreview(input: Input) {
    setOutcome(null);
    setNotice(null);
    start(async () => {
      const r = await preview(input);
      setResult(r);
      setPreviewed(input);
    });
  }

  function confirm() {
    if (!result?.ok || previewed === null || stale) return;
    const input = previewed;
    start(async () => {
      const r = await open({ ...input, expectedBaseSha: result.data.baseSha, expectedPlanDigest: result.data.planDigest ?? undefined });
      if (r.ok && r.data.status === "base-moved") {
        setNotice("The repository moved since you looked. This is the plan against the new head: review it and confirm again.");
        setResult(await preview(input));
        return;
      }
      setOutcome(r);
      if (r.ok && "change" in r.data) router.refresh();
    });
  }

  return { result, outcome, notice, pending, stale, fieldErrors, runPreview, confirm, reset: () => setResult(null) };
}
