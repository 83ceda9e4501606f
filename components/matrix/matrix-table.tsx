"use client";

import Link from "next/link";
import type { Matrix, MatrixCell, MatrixRow } from "@/lib/data/matrix";
import type { PromoteTarget } from "@/components/promote/promote-dialog";
import { BulkCheckbox, BulkSelection } from "./bulk-selection";
import { CellHistoryPopover } from "./cell-history-popover";
import { MatrixCellView } from "./matrix-cell";
import { MatrixKeyboard } from "./matrix-keyboard";

export function appHref(repository: string, app: string): string {
  return `/apps/${encodeURIComponent(repository)}/${encodeURIComponent(app)}`;
}

interface Props {
  matrix: Matrix;
  /** Teams whose apps this user may promote, decided on the server by lib/auth/policy ("all" for admins). */
  promotableTeams: string[] | "all";
  /** Server render time (ISO), so relative times match between server and browser. */
  now: string;
}

// A client component on purpose: the page then carries the matrix once as compact data instead of
// the server-rendered element tree a second time, which keeps a 50-app page small.
export function MatrixTable({ matrix, promotableTeams, now }: Props) {
  const renderedAt = new Date(now);
  const canPromote = (team: string | null) => promotableTeams === "all" || (team !== null && promotableTeams.includes(team));
  const { environments, rows } = matrix;
  return (
    <BulkSelection teams={promotableTeams === "all" ? matrix.teams : promotableTeams} environments={environments.map((e) => e.name)}>
    <MatrixKeyboard>
      <table className="w-full border-separate border-spacing-0 text-sm" aria-label="Apps by environment" data-testid="matrix">
        <thead className="sticky top-0 z-10 bg-slate-50">
          <tr>
            <th scope="col" className="border-b border-slate-300 px-3 py-2 text-left font-medium text-slate-600">
              App
            </th>
            {environments.map((env) => (
              <th key={env.name} scope="col" className="border-b border-slate-300 px-3 py-2 text-left font-medium text-slate-600">
                {env.name}
                {env.protected ? <span className="ml-1 rounded bg-slate-200 px-1 text-[10px] uppercase text-slate-700">protected</span> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => {
            const teamHeader =
              r === 0 || row.team !== rows[r - 1]?.team ? (
                <tr key={`team-${row.team ?? "none"}-${r}`}>
                  <th colSpan={environments.length + 1} scope="colgroup" className="bg-slate-100 px-3 py-1.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                    {row.team ? `Team ${row.team}` : "No team"}
                  </th>
                </tr>
              ) : null;
            const href = appHref(row.repository, row.app);
            return [
              teamHeader,
              <tr key={row.appId} data-testid={`row-${row.app}`} className="align-top hover:bg-white">
                <th scope="row" className="border-b border-slate-200 px-3 py-2 text-left font-normal">
                  <Link href={href} className="font-medium text-sky-800 hover:underline" data-row={r} data-col={0}>
                    {row.app}
                  </Link>
                  <div className="text-xs text-slate-500">{row.repository}</div>
                </th>
                {environments.map((env, c) => (
                  <td
                    key={env.name}
                    data-testid={`cell-${row.app}-${env.name}`}
                    data-row={r}
                    data-col={c + 1}
                    tabIndex={-1}
                    className="mx-cell"
                  >
                    <MatrixCellView
                      cell={row.cells[env.name]}
                      promote={canPromote(row.team) ? promoteTarget(matrix, row, env.name) : null}
                      upToDate={canPromote(row.team) ? upToDateWith(row, env.name) : null}
                      now={renderedAt}
                    />
                    {canPromote(row.team) && row.cells[env.name]?.previousEnv && !upToDateWith(row, env.name) ? (
                      <BulkCheckbox cell={{ repository: row.repository, app: row.app, from: row.cells[env.name]?.previousEnv ?? "", to: env.name }} />
                    ) : null}
                    {row.cells[env.name] ? (
                      <CellHistoryPopover
                        target={{ repository: row.repository, app: row.app, env: env.name, canRollBack: canPromote(row.team), pin: row.cells[env.name]?.pin ?? null }}
                        now={renderedAt}
                      />
                    ) : null}
                  </td>
                ))}
              </tr>,
            ];
          })}
        </tbody>
      </table>
    </MatrixKeyboard>
    </BulkSelection>
  );
}

/** The promote dialog's choices for one cell: every other environment of the app, previous one first. */
function promoteTarget(matrix: Matrix, row: MatrixRow, env: string): PromoteTarget | null {
  const cell = row.cells[env];
  if (!cell) return null;
  const order = new Map(matrix.environments.map((e) => [e.name, e.order]));
  const sources = Object.keys(row.cells)
    .filter((e) => e !== env)
    .sort((a, b) => (order.get(a) ?? 99) - (order.get(b) ?? 99));
  if (sources.length === 0) return null;
  // Promotion goes forward; the first environment has nothing before it to promote from.
  if (!cell.previousEnv) return null;
  if (upToDateWith(row, env)) {
    // Up to date with the environment it is promoted from: Promote stays only for the environments that
    // run something else (a sibling region, a stage skipped on purpose), the first of them preselected.
    const differing = sources.filter((e) => {
      const other = row.cells[e];
      return other !== undefined && releaseKey(other) !== releaseKey(cell);
    });
    const first = differing[0];
    return first === undefined ? null : { repository: row.repository, app: row.app, to: env, sources: differing, defaultSource: first };
  }
  return { repository: row.repository, app: row.app, to: env, sources, defaultSource: cell.previousEnv };
}

/** What a cell runs, comparable across cells: every release field's kind, name, value and digest. */
function releaseKey(cell: MatrixCell): string {
  return JSON.stringify(cell.versions.map((v) => [v.kind, v.name, v.value, v.digest ?? null]).sort());
}

/** The environment this cell is promoted from when every release field already matches it, else null. */
export function upToDateWith(row: MatrixRow, env: string): string | null {
  const cell = row.cells[env];
  return cell?.previousEnv && cell.drift === "same" ? cell.previousEnv : null;
}
