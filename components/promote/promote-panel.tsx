"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import { previewPromotion, promote } from "@/app/promotions/actions";
import type { ActionResult } from "@/lib/actions/action";
import type { OpenPromotionResult } from "@/lib/changes/open-promotion";
import type { PromotionPreview } from "@/lib/changes/preview-promotion";
import type { PromoteTarget } from "./promote-dialog";
import { DiffView } from "@/components/changes/diff-view";
import { ExistingBaseMoved } from "./existing-base-moved";
import { PlanSummary } from "./plan-summary";
import { RenderedPreview } from "./rendered-preview";

type Mode = "version" | "folder";

/** What the user explicitly confirmed; each is a request option the planner asks for by name. */
interface Confirmations {
  allowDowngrade: boolean;
  allowFloating: boolean;
  allowReplaceDigestPin: boolean;
  allowUnpin: boolean;
}

const NONE_CONFIRMED: Confirmations = { allowDowngrade: false, allowFloating: false, allowReplaceDigestPin: false, allowUnpin: false };

const CONFIRM_LABEL: Record<keyof Confirmations, (to: string) => string> = {
  allowDowngrade: (to) => `Yes, roll ${to} back to the older version`,
  allowFloating: (to) => `Yes, promote a floating version into ${to}`,
  allowReplaceDigestPin: (to) => `Replace ${to}'s digest pin with a version that has none`,
  allowUnpin: (to) => `Yes, move ${to} off its rollback pin (and clear the pin)`,
};

/**
 * Preview → confirm → change request. The preview is computed on the server against the current
 * branch head; confirming sends that head back so a moved branch is re-planned, never overwritten.
 * Mounted only while open (PromoteDialog): each opening starts from the cell's defaults.
 */
export function PromotePanel({ target, onClose }: { target: PromoteTarget; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [from, setFrom] = useState(target.defaultSource);
  const [mode, setMode] = useState<Mode>("version");
  const [confirmed, setConfirmed] = useState<Confirmations>(NONE_CONFIRMED);
  const [preview, setPreview] = useState<ActionResult<PromotionPreview> | null>(null);
  const [outcome, setOutcome] = useState<ActionResult<OpenPromotionResult> | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [loading, startLoading] = useTransition();
  const [submitting, startSubmitting] = useTransition();
  const [reason, setReason] = useState("");
  const rollback = target.rollback;

  const request = useCallback(
    (overrides: Partial<{ from: string; mode: Mode } & Confirmations> = {}) => ({
      repository: target.repository,
      app: target.app,
      to: target.to,
      from: overrides.from ?? from,
      mode: overrides.mode ?? mode,
      allowDowngrade: overrides.allowDowngrade ?? confirmed.allowDowngrade,
      allowFloating: overrides.allowFloating ?? confirmed.allowFloating,
      allowReplaceDigestPin: overrides.allowReplaceDigestPin ?? confirmed.allowReplaceDigestPin,
      allowUnpin: overrides.allowUnpin ?? confirmed.allowUnpin,
      ...(target.rollback ? { rollbackTo: target.rollback.sha, reason: reason || undefined } : {}),
    }),
    [target, from, mode, confirmed, reason],
  );

  const setConfirmation = (option: keyof Confirmations, value: boolean) => {
    setConfirmed((c) => ({ ...c, [option]: value }));
    load({ [option]: value });
  };

  const load = useCallback(
    (overrides: Partial<{ from: string; mode: Mode } & Confirmations> = {}) => {
      setOutcome(null);
      startLoading(async () => setPreview(await previewPromotion(request(overrides))));
    },
    [request],
  );

  // Opened by mounting: show it and plan once. `load` changes with every choice, which plans by itself.
  const first = useRef(load);
  useEffect(() => {
    if (!dialog.current?.open) dialog.current?.showModal();
    first.current();
  }, []);

  function close() {
    dialog.current?.close();
    onClose();
  }

  function confirm() {
    if (!preview?.ok) return;
    startSubmitting(async () => {
      const result = await promote({ ...request(), expectedBaseSha: preview.data.baseSha });
      setOutcome(result);
      if (result.ok && result.data.status === "base-moved") {
        setNotice("The branch moved since you looked. This is the plan against the new head: review it and confirm again.");
        setPreview({ ok: true, data: result.data.preview });
        setOutcome(null);
      }
      if (result.ok && "change" in result.data) router.refresh();
    });
  }

  const plan = preview?.ok ? preview.data.plan : null;
  const done = outcome?.ok && "change" in outcome.data ? outcome.data : null;

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby={`promote-title-${target.app}-${target.to}`}
      className="m-auto w-[min(60rem,95vw)] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      data-testid="promote-dialog"
    >
      <div className="flex flex-col gap-4 p-5">
        <header className="flex items-start justify-between gap-4">
          <div>
            <h2 id={`promote-title-${target.app}-${target.to}`} className="text-lg font-semibold">
              {rollback ? `Roll back ${target.app} in ${target.to} to ${rollback.version}` : `Promote ${target.app} to ${target.to}`}
            </h2>
            <p className="text-xs text-slate-500">repository {target.repository}</p>
          </div>
          <button type="button" onClick={close} className="rounded px-2 py-1 text-sm text-slate-600 hover:bg-slate-100" aria-label="Close">
            ✕
          </button>
        </header>

        {rollback ? (
          <label className="flex flex-col gap-1 text-sm">
            Why roll back? (kept with the pin; later promotions into {target.to} ask before moving it)
            <input
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              className="rounded border border-slate-300 px-2 py-1"
              placeholder={`rolled back to ${rollback.sha.slice(0, 7)}`}
            />
          </label>
        ) : null}
        <div className={rollback ? "hidden" : "flex flex-wrap gap-6 text-sm"}>
          <label className="flex items-center gap-2">
            From
            <select
              value={from}
              onChange={(e) => {
                setFrom(e.target.value);
                load({ from: e.target.value });
              }}
              className="rounded border border-slate-300 px-2 py-1"
            >
              {target.sources.map((env) => (
                <option key={env} value={env}>
                  {env}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="flex items-center gap-3">
            <legend className="sr-only">What to promote</legend>
            {(["version", "folder"] as const).map((m) => (
              <label key={m} className="flex items-center gap-1">
                <input
                  type="radio"
                  name={`mode-${target.app}-${target.to}`}
                  checked={mode === m}
                  onChange={() => {
                    setMode(m);
                    load({ mode: m });
                  }}
                />
                {m === "version" ? "Versions only" : "Whole folder (never secrets or env config)"}
              </label>
            ))}
          </fieldset>
        </div>

        {notice ? (
          <p role="status" className="rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
            {notice}
          </p>
        ) : null}

        {loading || !preview ? (
          <p role="status" className="text-sm text-slate-500">
            Planning against the latest commit…
          </p>
        ) : !preview.ok ? (
          <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            {preview.error}
          </p>
        ) : plan?.status === "up-to-date" ? (
          <p role="status" className="rounded border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
            Already up to date: {plan.message}
          </p>
        ) : plan?.status === "refused" ? (
          <div role="alert" className="flex flex-col gap-2 rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            <p>{plan.reason}</p>
            {preview.data.heldBy ? (
              <p data-testid="held-by">
                Part of open change{" "}
                <Link className="font-medium underline" href={`/changes/${preview.data.heldBy.id}`}>
                  {preview.data.heldBy.label}
                </Link>
              </p>
            ) : null}
            {plan.override ? (
              <label className="flex items-center gap-2 font-medium">
                <input type="checkbox" checked={confirmed[plan.override]} onChange={(e) => setConfirmation(plan.override ?? "allowReplaceDigestPin", e.target.checked)} />
                {CONFIRM_LABEL[plan.override](target.to)}
              </label>
            ) : null}
          </div>
        ) : plan?.status === "needs-confirmation" ? (
          <div role="alert" className="flex flex-col gap-2 rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            <p>{plan.reason}</p>
            {(plan.confirm ?? ["allowDowngrade"]).map((option) => (
              <label key={option} className="flex items-center gap-2 font-medium">
                <input type="checkbox" checked={confirmed[option]} onChange={(e) => setConfirmation(option, e.target.checked)} />
                {CONFIRM_LABEL[option](target.to)}
              </label>
            ))}
          </div>
        ) : plan?.status === "changes" ? (
          <div className="flex flex-col gap-3">
            {preview.data.existingChange ? (
              <p className="text-sm text-slate-700">
                This updates the open{" "}
                <Link className="text-sky-700 underline" href={`/changes/${preview.data.existingChange.id}`}>
                  {preview.data.existingChange.label}
                </Link>{" "}
                instead of opening another.
              </p>
            ) : null}
            {preview.data.existingChange && preview.data.existingChange.baseSha !== preview.data.baseSha ? (
              <ExistingBaseMoved existing={preview.data.existingChange} baseSha={preview.data.baseSha} fields={plan.fields} />
            ) : null}
            <PlanSummary plan={plan} />
            <DiffView diff={plan.changeSet.diff} />
            <RenderedPreview request={request()} baseSha={preview.data.baseSha} />
          </div>
        ) : null}

        {outcome && !outcome.ok ? (
          <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            {outcome.error}
          </p>
        ) : null}
        {done ? (
          <p role="status" data-testid="promote-result" className="rounded border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
            {done.status === "identical" ? "Nothing new: the open " : done.status === "updated" ? "Updated " : "Opened "}
            <Link className="font-medium underline" href={`/changes/${done.change.id}`}>
              {done.change.label}
            </Link>
            {done.change.url ? (
              <>
                {" ("}
                <a className="underline" href={done.change.url} target="_blank" rel="noreferrer">
                  open on the forge
                </a>
                {")"}
              </>
            ) : null}
            {done.status === "identical" ? " already holds exactly this." : ". A reviewer merges it to deploy."}
          </p>
        ) : null}

        <footer className="flex justify-end gap-2 border-t border-slate-200 pt-3">
          <button type="button" onClick={close} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
            {done ? "Close" : "Cancel"}
          </button>
          {!done ? (
            <button
              type="button"
              onClick={confirm}
              disabled={plan?.status !== "changes" || loading || submitting}
              className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-40"
            >
              {submitting ? "Opening…" : preview?.ok && preview.data.existingChange ? "Update change request" : "Open change request"}
            </button>
          ) : null}
        </footer>
      </div>
    </dialog>
  );
}
