"use client";

import type { Rollout, RolloutStepState } from "@/lib/live/rollout";
import { relativeTime } from "@/components/matrix/relative-time";
import { useRollouts } from "./use-rollouts";

const STEP_TEXT: Record<RolloutStepState["step"], string> = { opened: "Opened", merged: "Merged", applied: "Applied", healthy: "Healthy" };

/** "14:05 UTC" today, else the date: the step's exact time is in the title. */
function at(iso: string, now: Date): string {
  const text = now.getTime() - Date.parse(iso) < 24 * 3600_000 ? `${iso.slice(11, 16)} UTC` : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return `${text} (${relativeTime(iso, now)})`;
}

/** Why the live steps are empty, or what the cluster is doing now. */
export function rolloutNote(r: Rollout, now: Date): string | null {
  if (r.live?.kind === "not-connected") return "Live state is not connected: applied and healthy are not known. See Live state to connect Argo CD or a cluster.";
  if (r.live?.kind === "not-placed") return `No live object is placed in ${r.live.cells.join(", ") || "the changed cells"}: applied and healthy are not known.`;
  if (r.live?.kind === "stale") return `Live state stale since ${at(r.live.since, now)}: nothing newer is claimed.`;
  if (r.phase === "degraded") return `Applied, but the cluster reports ${r.health?.toLowerCase() ?? "a problem"}.`;
  if (r.phase === "deploying") return r.steps[2]?.done ? `Applied; health ${r.health?.toLowerCase() ?? "unknown"}.` : `Merged, not applied yet${r.revision ? ` (the cluster runs ${r.revision})` : ""}.`;
  return null;
}

function Step({ step, phase, now }: { step: RolloutStepState; phase: Rollout["phase"]; now: Date }) {
  const failed = step.step === "healthy" && phase === "degraded";
  const tone = failed ? "border-red-300 bg-red-50 text-red-900" : step.done ? "border-emerald-300 bg-emerald-50 text-emerald-900" : "border-slate-200 bg-white text-slate-500";
  return (
    <li data-step={step.step} data-done={step.done} className={`flex-1 rounded border px-3 py-2 text-sm ${tone}`}>
      <div className="font-medium">{failed ? "Degraded" : STEP_TEXT[step.step]}</div>
      <div className="text-xs">{step.done ? (step.at ? <time dateTime={step.at} title={step.at}>{at(step.at, now)}</time> : "time not reported") : "—"}</div>
    </li>
  );
}

/** A change request's way to the cluster: opened → merged → applied → healthy, each with its time. */
export function RolloutTimeline({ changeId }: { changeId: number }) {
  const { data, error, dataUpdatedAt } = useRollouts([changeId]);
  const rollout = data?.find((r) => r.changeId === changeId);
  // Times are relative to the answer they came with (there is no render without one).
  const now = new Date(dataUpdatedAt);
  return (
    <section aria-labelledby="rollout-title" data-testid="rollout-timeline" data-phase={rollout?.phase ?? "loading"}>
      <h2 id="rollout-title" className="mb-2 text-lg font-medium">
        Rollout
      </h2>
      {error ? (
        <p role="alert" className="mb-2 text-sm text-amber-900">
          {error.message}
        </p>
      ) : null}
      {rollout ? (
        <>
          <ol className="flex flex-col gap-2 sm:flex-row">
            {rollout.steps.map((s) => (
              <Step key={s.step} step={s} phase={rollout.phase} now={now} />
            ))}
          </ol>
          {rolloutNote(rollout, now) ? (
            <p data-testid="rollout-note" className="mt-2 text-sm text-slate-600">
              {rolloutNote(rollout, now)}
            </p>
          ) : null}
          {rollout.objects.length ? <p className="mt-1 text-xs text-slate-500">Read from {rollout.objects.join(", ")}.</p> : null}
        </>
      ) : (
        <p className="text-sm text-slate-500">Reading the live state…</p>
      )}
    </section>
  );
}
