"use client";

import Link from "next/link";
import type { MatrixCell as Cell } from "@/lib/data/matrix";
import { PromoteDialog, type PromoteTarget } from "@/components/promote/promote-dialog";
import { LiveBadges } from "./live-badges";
import { relativeTime } from "./relative-time";
import { versionLabel, versionTitle } from "./version-label";

const DRIFT_STYLE = { behind: "mx-behind", ahead: "mx-ahead", differs: "mx-differs" } as const;

function driftText(cell: Cell): string | null {
  if (!cell.previousEnv) return null;
  if (cell.drift === "behind") return `behind ${cell.previousEnv}`;
  if (cell.drift === "ahead") return `ahead of ${cell.previousEnv}`;
  if (cell.drift === "differs") return `differs from ${cell.previousEnv}`;
  return null;
}

interface Props {
  cell: Cell | undefined;
  promote: PromoteTarget | null;
  /** For people who may promote: the environment this cell already matches, so there is nothing to promote. */
  upToDate?: string | null;
  /** Render time from the server, so "3d ago" is the same on the server and in the browser. */
  now: Date;
}

export function MatrixCellView({ cell, promote, upToDate = null, now }: Props) {
  if (!cell) return <span className="text-xs text-slate-400">not deployed</span>;
  const drift = driftText(cell);
  const driftDetail = cell.driftFields.map((f) => `${f.name}: ${f.previous ?? "none"} in ${cell.previousEnv} → ${f.current ?? "none"} here`).join("\n");
  return (
    <div className="mx-stack">
      <div className="mx-vs">
        {cell.versions.length === 0 && cell.errors.length === 0 ? <span className="text-xs text-slate-400">not deployed yet</span> : null}
        {cell.versions.map((v, i) => (
          <span key={i} title={versionTitle(v)} className="mx-v">
            {versionLabel(v)}
            {v.floating ? <span className="mx-float">floating</span> : null}
          </span>
        ))}
      </div>
      {drift && cell.drift !== "unknown" && cell.drift !== "same" ? (
        <span title={driftDetail} data-drift={cell.drift} className={`mx-badge ${DRIFT_STYLE[cell.drift]}`}>
          {drift}
        </span>
      ) : null}
      {cell.live ? <LiveBadges live={cell.live} now={now} /> : null}
      {cell.errors.length ? (
        <span title={cell.errors.join("\n")} className="mx-badge mx-err">
          {cell.errors.length === 1 ? "1 problem" : `${cell.errors.length} problems`}: {cell.errors[0]?.slice(0, 60)}
        </span>
      ) : null}
      {cell.lastCommit ? (
        <span className="mx-meta" title={cell.lastCommit.at ?? undefined}>
          <span className="font-mono">{cell.lastCommit.sha.slice(0, 7)}</span> {cell.lastCommit.by} · {relativeTime(cell.lastCommit.at, now)}
        </span>
      ) : null}
      {cell.openChange ? (
        <Link href={`/changes/${cell.openChange.id}`} className="mx-link">
          {cell.openChange.label} open
          {cell.openChange.conflict ? (
            <span data-testid="cell-conflict" title="The base moved under this change's files: update it on the current head" className="mx-badge mx-err ml-1">
              conflict
            </span>
          ) : null}
        </Link>
      ) : null}
      {promote ? <PromoteDialog target={promote} /> : null}
      {upToDate ? (
        <span className="mx-meta" data-testid="up-to-date" title={`Nothing to promote: every release field matches ${upToDate}`}>
          ✓ up to date with {upToDate}
        </span>
      ) : null}
    </div>
  );
}
