import type { ShownGates } from "@/lib/changes/merge-gates";
import { blockingGates } from "@/lib/changes/gate-refusal";
import type { MergeGate } from "@/lib/scm/types";
import { relativeTime } from "@/components/matrix/relative-time";

interface Props {
  shown: ShownGates;
  /** "GitHub" or "GitLab": whose gates these are. */
  forge: string;
}

const MARK: Record<MergeGate["state"], { symbol: string; label: string; className: string }> = {
  success: { symbol: "✓", label: "passed", className: "text-emerald-700" },
  pending: { symbol: "●", label: "pending", className: "text-amber-600" },
  failure: { symbol: "✕", label: "failed", className: "text-red-700" },
};

/**
 * What the forge waits for before this change may merge (reviews, approval rules, checks, the
 * pipeline), read for its exact head commit. Required gates that are not green are what holds Ferry's
 * Merge back; the others are shown for information.
 */
export function MergeGates({ shown, forge }: Props) {
  const { gates, error } = shown;
  if (!gates && !error) return null;
  const blocking = gates ? blockingGates(gates) : [];
  return (
    <section aria-labelledby="merge-gates-title" data-testid="merge-gates" className="flex flex-col gap-2 rounded border border-slate-200 bg-white p-3 text-sm">
      <h2 id="merge-gates-title" className="font-medium">
        Merge gates on {forge}
        {gates ? (
          <span className="ml-1 text-xs font-normal text-slate-600">
            {" "}
            for <span className="font-mono">{gates.headSha.slice(0, 10)}</span>, read {relativeTime(gates.readAt)}
          </span>
        ) : null}
      </h2>
      {error ? (
        <p role="alert" data-testid="merge-gates-error" className="text-red-800">
          Could not read them now: {error}
          {gates ? " (showing the last ones read)" : ""}
        </p>
      ) : null}
      {gates ? (
        <>
          {gates.gates.length === 0 ? <p className="text-slate-600">Nothing to wait for: no reviews, checks or rules on this head.</p> : null}
          <ul className="flex flex-col gap-1">
            {gates.gates.map((gate) => {
              const mark = MARK[gate.state];
              return (
                <li key={`${gate.kind}:${gate.name}`} data-testid="merge-gate" data-state={gate.state} data-required={gate.required} className="flex flex-wrap items-baseline gap-x-2">
                  <span className={`font-semibold ${mark.className}`} aria-label={mark.label} title={mark.label}>
                    {mark.symbol}
                  </span>
                  <span className="text-xs text-slate-500 uppercase">{gate.kind}</span>
                  {gate.url ? (
                    <a className="text-sky-700 underline" href={gate.url} target="_blank" rel="noreferrer">
                      {gate.name}
                    </a>
                  ) : (
                    <span className="font-medium">{gate.name}</span>
                  )}
                  {gate.detail ? <span className="text-slate-700">{gate.detail}</span> : null}
                  {gate.required ? <span className="text-xs text-slate-500">(required)</span> : null}
                </li>
              );
            })}
          </ul>
          {gates.requestedReviewers.length ? (
            <p data-testid="merge-gates-reviewers" className="text-slate-700">
              Review requested from {gates.requestedReviewers.join(", ")}.
            </p>
          ) : null}
          {gates.notes.map((note) => (
            <p key={note} className="text-xs text-slate-600">
              {note}
            </p>
          ))}
          <p data-testid="merge-gates-verdict" className={blocking.length ? "text-amber-900" : "text-emerald-800"}>
            {blocking.length ? `${blocking.length} required gate${blocking.length === 1 ? "" : "s"} not passed yet: Ferry will not merge until ${blocking.length === 1 ? "it passes" : "they pass"}.` : "Every required gate has passed."}
          </p>
        </>
      ) : null}
    </section>
  );
}
