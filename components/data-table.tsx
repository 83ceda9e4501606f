import type { ReactNode } from "react";

// The list tables of the portal (audit log, API tokens, changes, repositories): one bordered,
// horizontally scrolling table with a header row. Pages keep their own cells; this keeps the frame,
// the header cells and the row and cell spacing the same everywhere.

/**
 * A table with one header cell per entry of `headers`. `empty`, when given, is shown in one row
 * spanning every column (pass it only when there are no rows).
 */
export function DataTable({ testId, headers, empty, children }: { testId: string; headers: ReactNode[]; empty?: ReactNode; children: ReactNode }) {
  return (
    // `relative`: the containing block of screen-reader-only (absolutely positioned) header text, so it
    // scrolls with the table instead of widening the page on a phone.
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid={testId}>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            {headers.map((header, i) => (
              <th key={i} className="px-3 py-2 font-medium">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {empty != null ? (
            <tr>
              <td colSpan={headers.length} className="px-3 py-4 text-center text-slate-500">
                {empty}
              </td>
            </tr>
          ) : null}
          {children}
        </tbody>
      </table>
    </div>
  );
}

/** A body row; `top` aligns cells of different heights at their top. */
export function DataRow({ testId, top = false, children }: { testId?: string; top?: boolean; children: ReactNode }) {
  return (
    <tr className={top ? "border-t border-slate-200 align-top" : "border-t border-slate-200"} data-testid={testId}>
      {children}
    </tr>
  );
}

/** A body cell with the table's spacing; `className` adds text styles. */
export function DataCell({ className, title, testId, children }: { className?: string; title?: string; testId?: string; children?: ReactNode }) {
  return (
    <td className={className ? `px-3 py-2 ${className}` : "px-3 py-2"} title={title} data-testid={testId}>
      {children}
    </td>
  );
}
