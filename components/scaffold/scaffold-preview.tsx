"use client";

import Link from "next/link";
import { DiffView } from "@/components/changes/diff-view";
import type { ScaffoldPreview } from "@/lib/changes/scaffold-tenant";

/** The files a scaffold change request would hold: new files in full, edited files as a diff. */
export function ScaffoldPreviewView({ preview }: { preview: ScaffoldPreview }) {
  const { plan } = preview;
  if (plan.status === "refused") {
    return (
      <div role="alert" data-testid="scaffold-plan-refused" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
        <p>{plan.reason}</p>
        {plan.location ? (
          <p className="mt-1">
            It is here:{" "}
            {plan.location.href ? (
              <Link href={plan.location.href} className="font-medium underline">
                {plan.location.repository}/{plan.location.path}
              </Link>
            ) : (
              <code className="font-mono">
                {plan.location.repository}: {plan.location.path}
              </code>
            )}
          </p>
        ) : null}
      </div>
    );
  }
  const { changeSet } = plan;
  return (
    <div className="flex flex-col gap-3" data-testid="scaffold-preview">
      <p className="text-sm text-slate-600">
        {changeSet.edits.length} files on branch <code className="font-mono">{changeSet.branch}</code> in {preview.repository}, from{" "}
        {plan.templates.origin === "repository" ? <code className="font-mono">{plan.templates.label}/</code> : `the built-in ${plan.templates.preset} preset`}.
        {preview.existingChange ? (
          <>
            {" "}
            Updates the open{" "}
            <Link href={`/changes/${preview.existingChange.id}`} className="underline">
              change #{preview.existingChange.number ?? preview.existingChange.id}
            </Link>
            .
          </>
        ) : null}
      </p>
      {plan.notes.length > 0 ? (
        <ul className="list-disc pl-5 text-sm text-slate-700" aria-label="Notes" data-testid="scaffold-notes">
          {plan.notes.map((n) => (
            <li key={n} className={n.startsWith("Warning:") ? "text-amber-800" : undefined}>
              {n}
            </li>
          ))}
        </ul>
      ) : null}
      <ul className="flex flex-col gap-3" aria-label="Files">
        {changeSet.edits.map((e) => (
          <li key={e.path} data-testid="scaffold-file" className="flex flex-col gap-1">
            <p className="font-mono text-xs">
              <span className={`mr-2 rounded px-1 ${e.action === "create" ? "bg-emerald-100 text-emerald-900" : "bg-sky-100 text-sky-900"}`}>{e.action === "create" ? "new" : "edit"}</span>
              {e.path}
            </p>
            {e.action === "create" ? (
              <pre className="max-h-72 overflow-auto rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs">{e.content}</pre>
            ) : (
              <DiffView diff={changeSet.diff.split(/(?=^diff --git )/m).find((d) => d.startsWith(`diff --git a/${e.path} `)) ?? ""} label={`Diff of ${e.path}`} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
