"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { unpinCell } from "@/app/promotions/actions";
import { PromoteDialog } from "@/components/promote/promote-dialog";
import { relativeTime } from "@/components/matrix/relative-time";
import { versionLabel, versionTitle } from "@/components/matrix/version-label";
import type { CellHistory, RollbackPinView } from "@/lib/data/cell-history";
import { HISTORY_DEPTH } from "@/lib/sync/history-depth";

interface Props {
  repository: string;
  app: string;
  env: string;
  history: CellHistory;
  /** Decided on the server by the policy: may this person promote into the cell (roll back, unpin)? */
  canRollBack: boolean;
  /** Render time (ISO), so relative times match between server and browser. */
  now: string;
  /** Called after an unpin, for a holder that loaded the history itself (the matrix popover). */
  onChanged?: () => void;
}

/** The versions one environment ran, newest first, each with "Roll back to this" for those who may promote. */
export function CellHistoryList({ repository, app, env, history, canRollBack, now, onChanged }: Props) {
  const renderedAt = new Date(now);
  return (
    <div className="flex flex-col gap-2" data-testid={`history-${app}-${env}`}>
      {history.pin ? <PinNotice repository={repository} app={app} env={env} pin={history.pin} canUnpin={canRollBack} now={renderedAt} onChanged={onChanged} /> : null}
      {history.entries.length === 0 ? (
        <p className="text-xs text-slate-500">
          {history.readAt ? "No change to its versions in the history read so far." : "Its history is read from git at the next sync (plain git repositories)."}
        </p>
      ) : (
        <ol className="flex flex-col divide-y divide-slate-100 text-sm" aria-label={`Versions ${env} ran, newest first`}>
          {history.entries.map((entry) => {
            const label = entry.versions.map(versionLabel).join(", ") || "no versions";
            return (
              <li key={entry.sha} className="flex flex-wrap items-center gap-x-2 gap-y-1 py-1.5" data-testid="history-entry">
                <span className="font-mono text-xs font-semibold" title={entry.versions.map(versionTitle).join("\n")}>
                  {label}
                </span>
                {entry.current ? <span className="rounded bg-emerald-100 px-1 text-[10px] uppercase text-emerald-900">now</span> : null}
                <span className="font-mono text-xs text-slate-500" title={entry.sha}>
                  {entry.sha.slice(0, 7)}
                </span>
                <span className="text-xs text-slate-600">{entry.author}</span>
                <time className="text-xs text-slate-500" dateTime={entry.at} title={entry.at}>
                  {relativeTime(entry.at, renderedAt)}
                </time>
                {entry.change ? (
                  <Link href={`/changes/${entry.change.id}`} className="text-xs text-sky-700 underline">
                    {entry.change.label}
                  </Link>
                ) : null}
                {!entry.current && canRollBack ? (
                  <PromoteDialog target={{ repository, app, to: env, sources: [env], defaultSource: env, rollback: { sha: entry.sha, version: label } }} />
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      {history.entries.length >= HISTORY_DEPTH ? <p className="text-xs text-slate-500">The last {HISTORY_DEPTH} changes of its files are shown.</p> : null}
    </div>
  );
}

interface PinNoticeProps {
  repository: string;
  app: string;
  env: string;
  pin: RollbackPinView;
  canUnpin: boolean;
  now: Date;
  onChanged?: () => void;
}

function PinNotice({ repository, app, env, pin, canUnpin, now, onChanged }: PinNoticeProps) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const unpin = () =>
    start(async () => {
      const result = await unpinCell({ repository, app, to: env });
      if (!result.ok) return setError(result.error);
      onChanged?.();
      router.refresh();
    });
  return (
    <div className="flex flex-col gap-1 rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-950" data-testid="rollback-pin">
      <p>
        <strong>Pinned by rollback</strong> to <span className="font-mono">{pin.version}</span> by {pin.by}{" "}
        <time dateTime={pin.at} title={pin.at}>
          {relativeTime(pin.at, now)}
        </time>
        : {pin.reason}
        {pin.changeId ? (
          <>
            {" "}
            (<Link href={`/changes/${pin.changeId}`} className="underline">
              its change
            </Link>
            )
          </>
        ) : null}
        . Promotions into {env} ask before moving it.
      </p>
      {canUnpin ? (
        <button type="button" onClick={unpin} disabled={pending} className="self-start rounded border border-amber-400 px-2 py-0.5 hover:bg-amber-100 disabled:opacity-50">
          {pending ? "Unpinning…" : "Unpin"}
        </button>
      ) : null}
      {error ? <p role="alert">{error}</p> : null}
    </div>
  );
}
