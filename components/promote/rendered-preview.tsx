"use client";

import { useEffect, useState } from "react";
import { renderedPreview } from "@/app/promotions/rendered-preview-action";
import type { ActionResult } from "@/lib/actions/action";
import type { RenderedChange } from "@/lib/render/change-render";
import { RenderedFolders, Unavailable } from "@/components/changes/rendered-folders";

/** Under the dialog's file diff: the rendered objects the plan changes, asked for once the plan is shown. */
export function RenderedPreview({ request, baseSha }: { request: Record<string, unknown>; baseSha: string }) {
  // A rollback's reason is not part of the plan: typing it must not render again.
  const { reason: _reason, ...planned } = request;
  const key = JSON.stringify([planned, baseSha]);
  const [result, setResult] = useState<{ key: string; value: ActionResult<RenderedChange> } | null>(null);
  useEffect(() => {
    let current = true;
    const [input] = JSON.parse(key) as [Record<string, unknown>];
    renderedPreview(input).then(
      (value) => current && setResult({ key, value }),
      (error: unknown) => current && setResult({ key, value: { ok: false, code: "error", error: error instanceof Error ? error.message : String(error) } }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  const shown = result?.key === key ? result.value : null;
  return (
    <section aria-label="Rendered manifests" data-testid="rendered-preview" className="flex flex-col gap-1">
      <h3 className="text-sm font-semibold">Rendered manifests</h3>
      {!shown ? (
        <p className="text-sm text-slate-500">Rendering the environment before and after…</p>
      ) : !shown.ok ? (
        <Unavailable reason={shown.error} />
      ) : shown.data.status === "none" ? (
        <Unavailable reason={shown.data.reason} />
      ) : (
        <RenderedFolders folders={shown.data.folders} />
      )}
    </section>
  );
}
