"use client";

import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import { BulkDialog, type BulkRequest } from "./bulk-dialog";

/** A cell picked for a bulk promotion: promoted from the environment before it. */
export interface SelectedCell {
  repository: string;
  app: string;
  from: string;
  to: string;
}

const cellKey = (c: Pick<SelectedCell, "repository" | "app" | "to">) => `${c.repository}/${c.app}/${c.to}`;

interface Selection {
  has(cell: SelectedCell): boolean;
  toggle(cell: SelectedCell, on: boolean): void;
}

const SelectionContext = createContext<Selection | null>(null);

interface Props {
  children: ReactNode;
  /** Teams this user may promote ("all" for admins) and the environments, for "everything behind". */
  teams: string[];
  environments: string[];
}

/** Holds the cells ticked across the matrix and the bar that plans them as one promotion per repository. */
export function BulkSelection({ children, teams, environments }: Props) {
  const [selected, setSelected] = useState<Map<string, SelectedCell>>(new Map());
  const [request, setRequest] = useState<BulkRequest | null>(null);
  const [team, setTeam] = useState(teams[0] ?? "");
  const [env, setEnv] = useState(environments[environments.length - 1] ?? "");
  const selection = useMemo<Selection>(
    () => ({
      has: (cell) => selected.has(cellKey(cell)),
      toggle: (cell, on) =>
        setSelected((current) => {
          const next = new Map(current);
          if (on) next.set(cellKey(cell), cell);
          else next.delete(cellKey(cell));
          return next;
        }),
    }),
    [selected],
  );
  const cells = [...selected.values()];
  return (
    <SelectionContext.Provider value={selection}>
      {children}
      {teams.length > 0 ? (
        <div data-testid="bulk-bar" className="sticky bottom-0 z-20 mt-2 flex flex-wrap items-center gap-3 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow">
          <span aria-live="polite">{cells.length === 0 ? "Tick cells to promote several at once" : `${cells.length} cell${cells.length === 1 ? "" : "s"} selected`}</span>
          <button
            type="button"
            disabled={cells.length === 0}
            onClick={() => setRequest({ cells })}
            className="rounded bg-sky-700 px-3 py-1 font-medium text-white hover:bg-sky-800 disabled:opacity-40"
          >
            Plan promotion of selected
          </button>
          {cells.length > 0 ? (
            <button type="button" onClick={() => setSelected(new Map())} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50">
              Clear selection
            </button>
          ) : null}
          <span className="ml-auto flex flex-wrap items-center gap-2">
            <label className="flex items-center gap-1">
              Everything behind
              <select aria-label="Environment to bring up to date" value={env} onChange={(e) => setEnv(e.target.value)} className="rounded border border-slate-300 px-1 py-0.5">
                {environments.slice(1).map((e) => (
                  <option key={e}>{e}</option>
                ))}
              </select>
            </label>
            <label className="flex items-center gap-1">
              for team
              <select aria-label="Owner of the apps to bring up to date" value={team} onChange={(e) => setTeam(e.target.value)} className="rounded border border-slate-300 px-1 py-0.5">
                {teams.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            <button type="button" disabled={!team || !env} onClick={() => setRequest({ behind: { team, to: env } })} className="rounded border border-sky-700 px-2 py-1 text-sky-800 hover:bg-sky-50 disabled:opacity-40">
              Plan
            </button>
          </span>
        </div>
      ) : null}
      {request ? (
        <BulkDialog
          request={request}
          onClose={(opened) => {
            setRequest(null);
            if (opened) setSelected(new Map());
          }}
        />
      ) : null}
    </SelectionContext.Provider>
  );
}

/** The tick box of one promotable cell (only inside BulkSelection). */
export function BulkCheckbox({ cell }: { cell: SelectedCell }) {
  const selection = useContext(SelectionContext);
  if (!selection) return null;
  return (
    // Hundreds of these on a page: short markup (the matrix page has an HTML budget, see bench:index).
    <label className="mx-bulk">
      <input type="checkbox" checked={selection.has(cell)} onChange={(e) => selection.toggle(cell, e.target.checked)} aria-label={`Bulk ${cell.app} to ${cell.to}`} />
      bulk
    </label>
  );
}
