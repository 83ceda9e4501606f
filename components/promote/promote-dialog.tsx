"use client";

import { useState } from "react";
import { PromotePanel } from "./promote-panel";

export interface PromoteTarget {
  repository: string;
  app: string;
  to: string;
  /** Other environments of the app, in promotion order; the first entry before `to` is the default source. */
  sources: string[];
  defaultSource: string;
  /** Roll `to` back to what it ran at this commit of its history (the source is `to` itself, as it was then). */
  rollback?: { sha: string; version: string };
}

/**
 * A cell's Promote (or a history entry's "Roll back to this") button; the dialog is mounted only while
 * open. A matrix page holds one of these per promotable cell, so the closed state is one piece of state.
 */
export function PromoteDialog({ target }: { target: PromoteTarget }) {
  const [open, setOpen] = useState(false);
  const rollback = target.rollback;
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="mx-promote"
        aria-label={rollback ? `Roll back ${target.app} in ${target.to} to ${rollback.version}` : `Promote ${target.app} to ${target.to}`}
      >
        {rollback ? "Roll back to this" : "Promote"}
      </button>
      {open ? <PromotePanel target={target} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
