"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { closeChange, mergeChange } from "@/app/changes/[id]/actions";

interface Props {
  id: number;
  /** null = allowed; otherwise the policy's reason, shown instead of the button. */
  mergeRefusal: string | null;
  closeRefusal: string | null;
}

export function ReviewButtons({ id, mergeRefusal, closeRefusal }: Props) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (action: (input: { id: number }) => Promise<{ ok: true } | { ok: false; error: string }>) =>
    start(async () => {
      setError(null);
      const result = await action({ id });
      if (!result.ok) setError(result.error);
      else router.refresh();
    });
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        {mergeRefusal === null ? (
          <button type="button" disabled={pending} onClick={() => run(mergeChange)} className="rounded bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-50">
            {pending ? "Working…" : "Merge"}
          </button>
        ) : (
          <span className="text-sm text-slate-600" data-testid="merge-refusal">
            Merge: {mergeRefusal}
          </span>
        )}
        {closeRefusal === null ? (
          <button type="button" disabled={pending} onClick={() => run(closeChange)} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-50">
            Close without merging
          </button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-2 text-sm text-red-900">
          {error}
        </p>
      ) : null}
    </div>
  );
}
