"use client";

import Link from "next/link";
import type { ActionResult } from "@/lib/actions/action";
import type { OpenChangeResult } from "@/lib/changes/open-change";
import type { ScaffoldPreview } from "@/lib/changes/scaffold-tenant";
import type { ScaffoldPlan } from "@/lib/gitops/scaffold";
import { ScaffoldPreviewView } from "./scaffold-preview";

/** Preview result, the confirm button and the outcome: the lower half of both scaffold forms. */
export function ScaffoldActions(props: {
  result: ActionResult<ScaffoldPreview> | null;
  outcome: ActionResult<OpenChangeResult<ScaffoldPlan>> | null;
  notice: string | null;
  pending: boolean;
  /** The form changed since the preview: what is shown is not what the form would open. */
  stale: boolean;
  onConfirm: () => void;
}) {
  const { result, outcome, notice, pending, stale } = props;
  const canOpen = result?.ok && result.data.plan.status === "changes" && !stale && !(outcome?.ok && "change" in outcome.data);
  return (
    <div className="flex flex-col gap-3">
      {notice ? (
        <p role="status" className="rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
          {notice}
        </p>
      ) : null}
      {pending ? (
        <p role="status" className="text-sm text-slate-500">
          Working against the latest commit…
        </p>
      ) : null}
      {result && !result.ok ? (
        <p role="alert" data-testid="scaffold-error" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          {result.code === "invalid" ? "Fix the fields marked below." : result.error}
        </p>
      ) : null}
      {result?.ok && stale && !(outcome?.ok && "change" in outcome.data) ? (
        <p role="status" data-testid="scaffold-stale" className="rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
          The form changed since this preview. Preview again to see the files it would open.
        </p>
      ) : null}
      {result?.ok ? <ScaffoldPreviewView preview={result.data} /> : null}
      {result?.ok ? (
        <button type="button" onClick={props.onConfirm} disabled={!canOpen || pending} className="w-fit rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50">
          Open change request
        </button>
      ) : null}
      {outcome && !outcome.ok ? (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          {outcome.error}
        </p>
      ) : null}
      {outcome?.ok && "change" in outcome.data ? (
        <p role="status" data-testid="scaffold-result" className="rounded border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          {outcome.data.status === "opened" ? "Opened" : outcome.data.status === "updated" ? "Updated" : "Already open, unchanged:"}{" "}
          <Link href={`/changes/${outcome.data.change.id}`} className="font-medium underline">
            change #{outcome.data.change.number ?? outcome.data.change.id}
          </Link>
        </p>
      ) : null}
      {outcome?.ok && outcome.data.status === "not-opened" && outcome.data.plan.status === "refused" ? (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          {outcome.data.plan.reason}
        </p>
      ) : null}
    </div>
  );
}
