"use client";

import type { Rollout } from "@/lib/live/rollout";
import { relativeTime } from "@/components/matrix/relative-time";
import { useRollouts } from "./use-rollouts";

const PHASE_STYLE: Partial<Record<Rollout["phase"], string>> = { deploying: "text-amber-800", healthy: "text-emerald-700", degraded: "text-red-700" };

function liveWord(r: Rollout): string | null {
  if (r.live?.kind === "not-connected") return "live state not connected";
  if (r.live?.kind === "not-placed") return "no live object placed";
  if (r.live?.kind === "stale") return "live state stale";
  return r.phase === "deploying" || r.phase === "degraded" ? r.phase : null;
}

/**
 * A change's timeline in one line of the Changes page: each step reached, with its time. Every row reads
 * the same query, so the page polls once for all of them.
 */
export function RolloutSummary({ changeId, now }: { changeId: number; now: Date }) {
  const { data } = useRollouts();
  const r = data?.find((x) => x.changeId === changeId);
  if (!r || r.phase === "open" || r.phase === "closed") return null;
  const word = liveWord(r);
  return (
    <div className={`mt-1 text-xs ${PHASE_STYLE[r.phase] ?? "text-slate-600"}`} data-rollout={r.phase}>
      {r.steps
        .filter((s) => s.done)
        .map((s, i) => (
          <span key={s.step} data-step={s.step} title={s.at ?? "time not reported"}>
            {i > 0 ? " → " : ""}
            {s.step} {s.at ? relativeTime(s.at, now) : ""}
          </span>
        ))}
      {word ? ` · ${word}` : null}
    </div>
  );
}
