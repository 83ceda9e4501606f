"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { closeChange, mergeChange } from "@/app/changes/[id]/actions";
import type { ReviewedVersion } from "@/lib/changes/reviewed-version";

interface Props {
  id: number;
  /** The head commit and plan digest this page shows: Merge sends them, and a change updated since is refused. */
  reviewed: ReviewedVersion;
  /** The portal-wide name, e.g. "payments-gitops#3". */
  label: string;
  /** The branch a merge lands on. */
  baseBranch: string;
  /** What merging deploys, in a sentence ("production will run checkout 2.4.0."), or null. */
  consequence: string | null;
  /** null = allowed; otherwise the policy's reason, shown instead of the button. */
  mergeRefusal: string | null;
  closeRefusal: string | null;
}

type Action = "merge" | "close";
type Result = { ok: true } | { ok: false; error: string };

/**
 * Merge and Close, each behind a confirmation: merging deploys and closing throws the branch away,
 * so neither happens on one stray click. The confirmation is a modal <dialog> (focus moves into it,
 * Escape cancels, focus returns to the button that opened it), starting on Cancel.
 */
export function ReviewButtons({ id, reviewed, label, baseBranch, consequence, mergeRefusal, closeRefusal }: Props) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<Action | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();

  // Opened once its content is rendered, so the browser's initial focus lands on Cancel.
  useEffect(() => {
    if (asking && !dialog.current?.open) dialog.current?.showModal();
  }, [asking]);
  const ask = (action: Action) => {
    setAsking(action);
    setError(null);
  };
  const run = (action: Action) => {
    dialog.current?.close();
    start(async () => {
      const result: Result = await (action === "merge" ? mergeChange({ id, ...reviewed }) : closeChange({ id }));
      if (!result.ok) setError(result.error);
      else router.refresh();
    });
  };

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        {mergeRefusal === null ? (
          <button
            type="button"
            disabled={pending}
            aria-haspopup="dialog"
            onClick={() => ask("merge")}
            className="rounded bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-50"
          >
            {pending ? "Working…" : "Merge…"}
          </button>
        ) : (
          <span className="text-sm text-slate-600" data-testid="merge-refusal">
            Merge: {mergeRefusal}
          </span>
        )}
        {closeRefusal === null ? (
          <button
            type="button"
            disabled={pending}
            aria-haspopup="dialog"
            onClick={() => ask("close")}
            className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-50"
          >
            Close without merging…
          </button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-2 text-sm text-red-900">
          {error}
        </p>
      ) : null}

      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        aria-describedby={textId}
        onClose={() => setAsking(null)}
        data-testid="confirm-dialog"
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-xl backdrop:bg-slate-900/40"
      >
        {asking ? (
          <div className="flex flex-col gap-3">
            <h2 id={titleId} className="text-base font-semibold">
              {asking === "merge" ? `Merge ${label} into ${baseBranch}?` : `Close ${label} without merging?`}
            </h2>
            <p id={textId} className="text-slate-700">
              {asking === "merge"
                ? `Merging is the deployment: ${consequence ?? "the change reaches the environments that read this branch."} This cannot be undone from here; a rollback is a new promotion.`
                : "Nothing is deployed, and the change's branch is deleted. Promoting again opens a new change."}
            </p>
            <div className="flex justify-end gap-2">
              {/* First in the dialog, so it has the focus when the dialog opens: Enter on a stray keypress cancels. */}
              <button type="button" autoFocus onClick={() => dialog.current?.close()} className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
                Cancel
              </button>
              <button
                type="button"
                onClick={() => run(asking)}
                className={
                  asking === "merge"
                    ? "rounded bg-emerald-700 px-3 py-1.5 font-medium text-white hover:bg-emerald-800"
                    : "rounded bg-red-700 px-3 py-1.5 font-medium text-white hover:bg-red-800"
                }
              >
                {asking === "merge" ? "Merge" : "Close change"}
              </button>
            </div>
          </div>
        ) : null}
      </dialog>
    </div>
  );
}
