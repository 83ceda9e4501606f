"use client";

import { useCallback, useEffect, useId, useRef, useState, useTransition, type KeyboardEvent, type RefObject } from "react";
import { cellHistory } from "@/app/promotions/actions";
import { CellHistoryList } from "@/components/history/cell-history-list";
import type { ActionResult } from "@/lib/actions/action";
import type { CellHistory, RollbackPinView } from "@/lib/data/cell-history";
import { relativeTime } from "./relative-time";

export interface CellHistoryTarget {
  repository: string;
  app: string;
  env: string;
  /** Decided on the server by the policy (as Promote): may this person roll back or unpin the cell? */
  canRollBack: boolean;
  pin: RollbackPinView | null;
}

const WIDTH = 352;
/** Below the button when this much room is left there (or more than above it), else above it. */
const ROOM_BELOW = 240;

interface Place {
  top?: number;
  bottom?: number;
  left: number;
  maxHeight: number;
}

/**
 * The cell's pin, and a "History" button opening the versions it ran (read from the cache when opened,
 * so the matrix page carries none of it). Keyboard: Enter/Space opens and focuses the panel, Escape
 * closes it and returns to the button; arrow keys inside stay inside (the matrix moves between cells).
 * A matrix page holds one per cell, so everything but "open, and where" lives in the panel.
 */
export function CellHistoryPopover({ target, now }: { target: CellHistoryTarget; now: Date }) {
  const [place, setPlace] = useState<Place | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const id = useId();

  function toggle() {
    if (place) return setPlace(null);
    // Fixed to the viewport: the matrix scrolls sideways in a clipping box a positioned panel could not leave.
    const rect = button.current?.getBoundingClientRect();
    if (!rect) return setPlace({ top: 0, left: 0, maxHeight: 320 });
    const left = Math.max(8, Math.min(rect.left, window.innerWidth - WIDTH - 8));
    const below = window.innerHeight - rect.bottom - 12;
    const above = rect.top - 12;
    setPlace(below >= ROOM_BELOW || below >= above ? { top: rect.bottom + 4, left, maxHeight: below } : { bottom: window.innerHeight - rect.top + 4, left, maxHeight: above });
  }

  // Stable, so the open panel's effects do not run again when the matrix re-renders around it.
  const close = useCallback((refocus: boolean) => {
    setPlace(null);
    if (refocus) button.current?.focus();
  }, []);

  const pin = target.pin;
  return (
    <span className="mx-hist-row">
      {pin ? (
        <span
          className="rounded bg-amber-100 px-1 text-[10px] font-medium uppercase text-amber-900"
          title={`Pinned by rollback to ${pin.version} by ${pin.by} ${relativeTime(pin.at, now)}: ${pin.reason}`}
          data-testid="pin-badge"
        >
          pinned by rollback
        </span>
      ) : null}
      <button
        ref={button}
        type="button"
        onClick={toggle}
        aria-expanded={place !== null}
        aria-controls={place ? id : undefined}
        aria-label={`History of ${target.app} in ${target.env}`}
        className="mx-hist"
      >
        History
      </button>
      {place ? <HistoryPanel id={id} target={target} now={now} place={place} button={button} onClose={close} /> : null}
    </span>
  );
}

interface PanelProps {
  id: string;
  target: CellHistoryTarget;
  now: Date;
  place: Place;
  /** The History button: a click on it toggles, so it is not "outside". */
  button: RefObject<HTMLButtonElement | null>;
  onClose: (refocus: boolean) => void;
}

function HistoryPanel({ id, target, now, place, button, onClose }: PanelProps) {
  const [history, setHistory] = useState<ActionResult<CellHistory> | null>(null);
  const [loading, start] = useTransition();
  const panel = useRef<HTMLDivElement>(null);
  const load = useCallback(
    () => start(async () => setHistory(await cellHistory({ repository: target.repository, app: target.app, env: target.env }))),
    [target.repository, target.app, target.env],
  );

  useEffect(() => {
    panel.current?.focus();
    load();
  }, [load]);

  useEffect(() => {
    // A click outside closes it, as a popover does; clicks inside (and in the promote dialog it opens) do not.
    const outside = (event: MouseEvent) => {
      const node = event.target as Node;
      if (!panel.current?.contains(node) && !button.current?.contains(node)) onClose(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [button, onClose]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    event.stopPropagation();
    // Escape in the promote dialog closes that dialog, not this panel.
    if (event.key !== "Escape" || (event.target as Element).closest("dialog")) return;
    event.preventDefault();
    onClose(true);
  }

  return (
    <div
      ref={panel}
      id={id}
      role="dialog"
      aria-label={`Versions ${target.app} ran in ${target.env}`}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      style={{ ...place, width: WIDTH }}
      className="fixed z-30 overflow-y-auto rounded-lg border border-slate-300 bg-white p-3 text-left shadow-xl"
      data-testid="history-popover"
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">
          {target.app} in {target.env}
        </h3>
        <button type="button" onClick={() => onClose(true)} className="rounded px-1 text-sm text-slate-600 hover:bg-slate-100" aria-label="Close history">
          ✕
        </button>
      </div>
      {loading || !history ? (
        <p role="status" className="text-xs text-slate-500">
          Loading history…
        </p>
      ) : history.ok ? (
        <CellHistoryList repository={target.repository} app={target.app} env={target.env} history={history.data} canRollBack={target.canRollBack} now={now.toISOString()} onChanged={load} />
      ) : (
        <p role="alert" className="text-xs text-red-800">
          {history.error}
        </p>
      )}
    </div>
  );
}
