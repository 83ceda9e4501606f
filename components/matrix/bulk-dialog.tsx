"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import { previewBulkPromotion, promoteBulk } from "@/app/promotions/actions";
import type { ActionResult } from "@/lib/actions/action";
import type { BulkCellOutcome, BulkRepositoryPlan, BulkRepositoryResult } from "@/lib/changes/bulk-promotion";
import type { ConfirmOption, RefusalOverride } from "@/lib/gitops/promote";
import { DiffView } from "@/components/changes/diff-view";

type Confirmation = ConfirmOption | RefusalOverride;

interface Cell {
  repository: string;
  app: string;
  from: string;
  to: string;
}

/** What the dialog plans: the cells ticked, or "everything behind" an environment for a team. */
export type BulkRequest = { cells: Cell[] } | { behind: { team: string; to: string } };

const CONFIRM_LABEL: Record<Confirmation, string> = {
  allowDowngrade: "Yes, roll it back to the older version",
  allowFloating: "Yes, promote a floating version",
  allowReplaceDigestPin: "Replace its digest pin with a version that has none",
  allowUnpin: "Yes, move it off its rollback pin (and clear the pin)",
};

const STATUS_TEXT: Record<BulkCellOutcome["status"], string> = {
  included: "in this change",
  "up-to-date": "skipped: up to date",
  refused: "left out: refused",
  "needs-confirmation": "left out until confirmed",
  "open-change": "left out: already in an open change",
};

const key = (c: Pick<Cell, "app" | "to">, repository: string) => `${repository}/${c.app}/${c.to}`;

/** Preview of a bulk promotion: per repository the cells, one combined plan and diff; then one change request each. */
export function BulkDialog({ request, onClose }: { request: BulkRequest; onClose: (opened: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  // Once planned, "everything behind" becomes the cells it stood for, so confirmations can name them.
  const [cells, setCells] = useState<Cell[] | null>("cells" in request ? request.cells : null);
  const [confirmed, setConfirmed] = useState<Record<string, Confirmation[]>>({});
  const [preview, setPreview] = useState<ActionResult<{ repositories: BulkRepositoryPlan[] }> | null>(null);
  const [outcome, setOutcome] = useState<ActionResult<{ repositories: BulkRepositoryResult[] }> | null>(null);
  const [loading, startLoading] = useTransition();
  const [submitting, startSubmitting] = useTransition();

  const input = useCallback(
    (list: Cell[] | null, confirmations: Record<string, Confirmation[]>) =>
      list === null && "behind" in request
        ? { behind: request.behind }
        : { cells: (list ?? []).map((c) => ({ ...c, ...Object.fromEntries((confirmations[key(c, c.repository)] ?? []).map((o) => [o, true])) })) },
    [request],
  );

  const plan = useCallback(
    async (list: Cell[] | null, confirmations: Record<string, Confirmation[]>) => {
      const result = await previewBulkPromotion(input(list, confirmations));
      setPreview(result);
      if (result.ok && list === null) setCells(result.data.repositories.flatMap((r) => r.cells.map((c) => ({ repository: r.repository, ...c.cell }))));
    },
    [input],
  );

  const load = (list: Cell[] | null, confirmations: Record<string, Confirmation[]>) => {
    setOutcome(null);
    startLoading(() => plan(list, confirmations));
  };

  useEffect(() => {
    dialog.current?.showModal();
    // Planned once on open; later plans follow the user's confirmations.
    startLoading(() => plan(cells, confirmed));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function confirm(cell: Cell, options: Confirmation[], on: boolean) {
    const next = { ...confirmed, [key(cell, cell.repository)]: on ? options : [] };
    setConfirmed(next);
    load(cells, next);
  }

  function open() {
    if (!preview?.ok) return;
    const expectedBaseShas = Object.fromEntries(preview.data.repositories.map((r) => [r.repository, r.baseSha]));
    startSubmitting(async () => {
      const result = await promoteBulk({ ...input(cells, confirmed), expectedBaseShas });
      setOutcome(result);
      if (result.ok) {
        const moved = result.data.repositories.filter((r) => r.status === "base-moved");
        if (moved.length > 0) setPreview({ ok: true, data: { repositories: result.data.repositories.map((r) => r.plan) } });
        if (result.data.repositories.some((r) => "change" in r)) router.refresh();
      }
    });
  }

  function close() {
    dialog.current?.close();
    onClose(outcome?.ok === true && outcome.data.repositories.some((r) => "change" in r));
  }

  const plans = preview?.ok ? preview.data.repositories : [];
  const openable = plans.filter((r) => r.changeSet !== null && r.forbidden === null);
  const forbidden = plans.find((r) => r.forbidden);
  const done = outcome?.ok ? outcome.data.repositories : null;
  const title = "behind" in request ? `Promote everything behind ${request.behind.to} for team ${request.behind.team}` : `Promote ${request.cells.length} selected cell${request.cells.length === 1 ? "" : "s"}`;

  return (
    <dialog ref={dialog} onClose={close} aria-labelledby="bulk-title" className="m-auto w-[min(64rem,95vw)] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40" data-testid="bulk-dialog">
      <div className="flex flex-col gap-4 p-5">
        <header className="flex items-start justify-between gap-4">
          <div>
            <h2 id="bulk-title" className="text-lg font-semibold">
              {title}
            </h2>
            <p className="text-xs text-slate-500">One change request per repository, holding every cell of it that has something to promote.</p>
          </div>
          <button type="button" onClick={close} className="rounded px-2 py-1 text-sm text-slate-600 hover:bg-slate-100" aria-label="Close">
            ✕
          </button>
        </header>

        {loading || !preview ? (
          <p role="status" className="text-sm text-slate-500">
            Planning against the latest commit…
          </p>
        ) : !preview.ok ? (
          <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            {preview.error}
          </p>
        ) : (
          plans.map((plan) => (
            <section key={plan.repository} className="flex flex-col gap-2" data-testid={`bulk-repo-${plan.repository}`} aria-label={`Repository ${plan.repository}`}>
              <h3 className="font-medium">
                {plan.repository}
                {plan.existingChange ? (
                  <span className="ml-2 text-sm font-normal text-slate-600">
                    updates the open{" "}
                    <Link className="text-sky-700 underline" href={`/changes/${plan.existingChange.id}`}>
                      {plan.existingChange.label}
                    </Link>
                  </span>
                ) : null}
              </h3>
              <ul className="flex flex-col gap-1 text-sm">
                {plan.cells.map((c) => {
                  const cell = { repository: plan.repository, ...c.cell };
                  const options: Confirmation[] = c.status === "needs-confirmation" ? (c.confirm ?? ["allowDowngrade"]) : c.status === "refused" && c.override ? [c.override] : [];
                  return (
                    <li key={`${c.cell.app}/${c.cell.to}`} data-testid={`bulk-cell-${c.cell.app}-${c.cell.to}`} data-status={c.status} className="rounded border border-slate-200 px-2 py-1">
                      <span className="font-medium">{c.cell.app}</span> {c.cell.from} → {c.cell.to}: <span className={c.status === "included" ? "text-emerald-800" : "text-amber-800"}>{STATUS_TEXT[c.status]}</span>
                      {c.status === "included" ? (
                        <span className="ml-1 text-slate-600">({c.fields.map((f) => `${f.name} ${f.from ?? "none"} → ${f.to ?? "none"}`).join(", ")})</span>
                      ) : (
                        <span className="block text-xs text-slate-600">
                          {c.reason}
                          {c.status === "open-change" && c.change ? (
                            <>
                              {" "}
                              <Link className="text-sky-700 underline" href={`/changes/${c.change.id}`}>
                                {c.change.label}
                              </Link>
                            </>
                          ) : null}
                        </span>
                      )}
                      {options.length > 0 ? (
                        <label className="flex items-center gap-2 text-xs font-medium">
                          <input type="checkbox" checked={(confirmed[key(cell, cell.repository)] ?? []).length > 0} onChange={(e) => confirm(cell, options, e.target.checked)} />
                          {options.map((o) => CONFIRM_LABEL[o]).join("; ")}
                        </label>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
              {plan.forbidden ? (
                <p role="alert" className="rounded border border-red-200 bg-red-50 p-2 text-sm text-red-900">
                  {plan.forbidden}
                </p>
              ) : null}
              {plan.changeSet ? <DiffView diff={plan.changeSet.diff} label={`Combined diff of ${plan.repository}`} /> : <p className="text-sm text-slate-500">Nothing to promote in this repository.</p>}
            </section>
          ))
        )}

        {outcome && !outcome.ok ? (
          <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            {outcome.error}
          </p>
        ) : null}
        {done ? (
          <ul role="status" data-testid="bulk-result" className="flex flex-col gap-1 rounded border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
            {done.map((r) => (
              <li key={r.repository}>
                {r.repository}:{" "}
                {"change" in r ? (
                  <>
                    {r.status === "identical" ? "nothing new in " : r.status === "updated" ? "updated " : "opened "}
                    <Link className="font-medium underline" href={`/changes/${r.change.id}`}>
                      {r.change.label}
                    </Link>
                  </>
                ) : r.status === "base-moved" ? (
                  "the branch moved since you looked: the plan above is the new one, open again to confirm"
                ) : (
                  "nothing to promote"
                )}
              </li>
            ))}
          </ul>
        ) : null}

        <footer className="flex justify-end gap-2 border-t border-slate-200 pt-3">
          <button type="button" onClick={close} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
            {done ? "Close" : "Cancel"}
          </button>
          {!done?.some((r) => "change" in r) ? (
            <button
              type="button"
              onClick={open}
              disabled={openable.length === 0 || forbidden !== undefined || loading || submitting}
              className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-40"
            >
              {submitting ? "Opening…" : `Open ${openable.length} change request${openable.length === 1 ? "" : "s"}`}
            </button>
          ) : null}
        </footer>
      </div>
    </dialog>
  );
}
