import Link from "next/link";
import type { ChangeSummary } from "@/lib/data/changes";
import { DataCell, DataRow, DataTable } from "@/components/data-table";
import { relativeTime } from "@/components/matrix/relative-time";
import { RolloutSummary } from "./rollout-summary";

const STATE_STYLE: Record<ChangeSummary["state"], string> = {
  OPEN: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  DRAFT: "bg-slate-100 text-slate-700 ring-slate-200",
  MERGED: "bg-violet-50 text-violet-800 ring-violet-200",
  CLOSED: "bg-red-50 text-red-800 ring-red-200",
};

const REVIEW: Record<string, string> = { approved: "approved", changes_requested: "changes requested", pending: "review pending" };
const CHECKS: Record<string, string> = { success: "checks passed", failure: "checks failed", pending: "checks running" };

export function ChangeTable({ changes, empty, now }: { changes: ChangeSummary[]; empty: string; now: Date }) {
  if (changes.length === 0) return <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">{empty}</p>;
  return (
    <DataTable testId="changes" headers={["Change", "App", "Environments", "Author", "Updated", "State"]}>
      {changes.map((c) => (
        <DataRow key={c.id} testId={`change-${c.id}`}>
          <DataCell>
            <Link href={`/changes/${c.id}`} className="font-medium text-sky-800 hover:underline">
              {c.label} {c.title}
            </Link>
            <div className="text-xs text-slate-500">
              {c.kind.toLowerCase()} · {c.repository}
              {c.url ? (
                <>
                  {" · "}
                  <a href={c.url} className="underline" target="_blank" rel="noreferrer">
                    on the forge
                  </a>
                </>
              ) : null}
            </div>
          </DataCell>
          <DataCell>{c.appName ?? "—"}</DataCell>
          <DataCell>{c.fromEnv && c.toEnv ? `${c.fromEnv} → ${c.toEnv}` : (c.toEnv ?? "—")}</DataCell>
          <DataCell>{c.author ?? "—"}</DataCell>
          <DataCell className="text-xs text-slate-600" title={c.updatedAt}>
            {relativeTime(c.updatedAt, now)}
          </DataCell>
          <DataCell>
            <span className={`rounded px-1.5 py-0.5 text-xs ring-1 ${STATE_STYLE[c.state]}`}>{c.state.toLowerCase()}</span>
            {c.conflict && (c.state === "OPEN" || c.state === "DRAFT") ? (
              <span data-testid="change-conflict" title="The base moved under its files: update it on the current head" className="ml-1 rounded bg-red-50 px-1.5 py-0.5 text-xs text-red-800 ring-1 ring-red-300">
                conflict
              </span>
            ) : null}
            <RolloutSummary changeId={c.id} now={now} />
            {c.reviewState ? <div className="mt-1 text-xs text-slate-600">{REVIEW[c.reviewState] ?? c.reviewState}</div> : null}
            {c.checksState ? (
              <div className={`text-xs ${c.checksState === "failure" ? "text-red-700" : c.checksState === "success" ? "text-emerald-700" : "text-slate-600"}`}>
                {CHECKS[c.checksState] ?? c.checksState}
              </div>
            ) : null}
          </DataCell>
        </DataRow>
      ))}
    </DataTable>
  );
}
