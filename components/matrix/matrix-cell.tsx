import Link from "next/link";
import type { MatrixCell as Cell } from "@/lib/data/matrix";
import { PromoteDialog, type PromoteTarget } from "@/components/promote/promote-dialog";
import { relativeTime } from "./relative-time";
import { versionLabel, versionTitle } from "./version-label";

const DRIFT_STYLE = {
  behind: "bg-amber-50 text-amber-800 ring-amber-200",
  ahead: "bg-violet-50 text-violet-800 ring-violet-200",
  differs: "bg-orange-50 text-orange-800 ring-orange-200",
} as const;

function driftText(cell: Cell): string | null {
  if (!cell.previousEnv) return null;
  if (cell.drift === "behind") return `behind ${cell.previousEnv}`;
  if (cell.drift === "ahead") return `ahead of ${cell.previousEnv}`;
  if (cell.drift === "differs") return `differs from ${cell.previousEnv}`;
  return null;
}

export function MatrixCellView({ cell, appHref, promote }: { cell: Cell | undefined; appHref: string; promote: PromoteTarget | null }) {
  if (!cell) return <span className="text-xs text-slate-400">not deployed</span>;
  const drift = driftText(cell);
  const driftDetail = cell.driftFields.map((f) => `${f.name}: ${f.previous ?? "none"} in ${cell.previousEnv} → ${f.current ?? "none"} here`).join("\n");
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-1">
        {cell.versions.length === 0 && cell.errors.length === 0 ? <span className="text-xs text-slate-400">no version found</span> : null}
        {cell.versions.map((v, i) => (
          <span key={i} title={versionTitle(v)} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">
            {versionLabel(v)}
            {v.floating ? <span className="ml-1 rounded bg-yellow-200 px-1 text-[10px] font-sans uppercase text-yellow-900">floating</span> : null}
          </span>
        ))}
      </div>
      {drift && cell.drift !== "unknown" && cell.drift !== "same" ? (
        <span title={driftDetail} data-drift={cell.drift} className={`w-fit rounded px-1.5 py-0.5 text-xs ring-1 ${DRIFT_STYLE[cell.drift]}`}>
          {drift}
        </span>
      ) : null}
      {cell.errors.length ? (
        <span title={cell.errors.join("\n")} className="w-fit rounded bg-red-50 px-1.5 py-0.5 text-xs text-red-800 ring-1 ring-red-200">
          {cell.errors.length === 1 ? "1 problem" : `${cell.errors.length} problems`}: {cell.errors[0]?.slice(0, 60)}
        </span>
      ) : null}
      {cell.lastCommit ? (
        <span className="text-xs text-slate-500" title={cell.lastCommit.at ?? undefined}>
          <span className="font-mono">{cell.lastCommit.sha.slice(0, 7)}</span> {cell.lastCommit.by} · {relativeTime(cell.lastCommit.at)}
        </span>
      ) : null}
      {cell.openChange ? (
        <Link href={`/changes/${cell.openChange.id}`} className="w-fit text-xs font-medium text-sky-700 underline">
          change #{cell.openChange.number ?? cell.openChange.id} open
        </Link>
      ) : null}
      {promote ? <PromoteDialog target={promote} /> : null}
      <Link href={`${appHref}#env-${cell.env}`} className="sr-only focus:not-sr-only text-xs text-sky-700 underline">
        details for {cell.env}
      </Link>
    </div>
  );
}
