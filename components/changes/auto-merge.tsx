"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { cancelMergeWhenReady, mergeWhenReady } from "@/app/changes/[id]/actions";
import type { ReviewedVersion } from "@/lib/changes/reviewed-version";

interface Props {
  id: number;
  /** The head commit and plan digest this page shows: the forge merges exactly that head, or nothing. */
  reviewed: ReviewedVersion;
  /** "GitHub" or "GitLab". */
  forge: string;
  /** The forge's auto-merge as last read: on, and who turned it on (a portal user, else the forge account). */
  on: { by: string | null; at: string | null } | null;
  /** Whether "Merge when ready" is offered now (gates still pending, the viewer may merge). */
  offer: boolean;
  /** Whether the viewer may cancel it (the merge permission). */
  mayCancel: boolean;
}

type Result = { ok: true } | { ok: false; error: string };

/**
 * "Merge when ready": the forge's own auto-merge merges the change once its required gates pass.
 * Turning it on is a deployment decision taken now for later, so it asks once more, inline.
 */
export function AutoMerge({ id, reviewed, forge, on, offer, mayCancel }: Props) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!on && !offer) return null;

  const run = (call: () => Promise<Result>) => {
    setError(null);
    start(async () => {
      const result = await call();
      setAsking(false);
      if (!result.ok) setError(result.error);
      else router.refresh();
    });
  };

  return (
    <section aria-labelledby={`auto-merge-${id}`} data-testid="auto-merge" className="flex flex-col gap-2 rounded border border-sky-200 bg-sky-50 p-3 text-sm text-sky-950">
      <h2 id={`auto-merge-${id}`} className="font-medium">
        Merge when ready
      </h2>
      {on ? (
        <p data-testid="auto-merge-on">
          Auto-merge is on: {forge} merges commit <span className="font-mono">{reviewed.headSha.slice(0, 10)}</span> once its required gates pass.
          {on.by ? (
            <>
              {" "}
              Turned on by <strong data-testid="auto-merge-by">{on.by}</strong>
              {on.at ? (
                <>
                  {" "}
                  <time dateTime={on.at}>{`${on.at.slice(0, 10)} ${on.at.slice(11, 16)} UTC`}</time>
                </>
              ) : null}
              .
            </>
          ) : null}
        </p>
      ) : (
        <p>
          Not mergeable yet. {forge} can merge it by itself once the pending gates pass: merging is the deployment, so it happens then,
          without anyone clicking Merge.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        {on && mayCancel ? (
          <button
            type="button"
            disabled={pending}
            onClick={() => run(() => cancelMergeWhenReady({ id }))}
            className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100 disabled:opacity-50"
          >
            {pending ? "Working…" : "Cancel auto-merge"}
          </button>
        ) : null}
        {!on && !asking ? (
          <button type="button" disabled={pending} onClick={() => setAsking(true)} className="rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 disabled:opacity-50">
            Merge when ready…
          </button>
        ) : null}
        {!on && asking ? (
          <>
            <span role="status">
              Turn on {forge}&apos;s auto-merge for <span className="font-mono">{reviewed.headSha.slice(0, 10)}</span>? If Ferry rewrites the branch later, it turns
              auto-merge off first.
            </span>
            <button type="button" autoFocus onClick={() => setAsking(false)} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100">
              Cancel
            </button>
            <button
              type="button"
              disabled={pending}
              onClick={() => run(() => mergeWhenReady({ id, ...reviewed }))}
              className="rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 disabled:opacity-50"
            >
              {pending ? "Working…" : "Turn on auto-merge"}
            </button>
          </>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-2 text-red-900">
          {error}
        </p>
      ) : null}
    </section>
  );
}
