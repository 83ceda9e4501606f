import Link from "next/link";
import { matrixQueryString, type ActiveFilter } from "@/lib/data/matrix-query";

/** Every filter narrowing the matrix as a chip that removes it, and "clear all" when there are several. */
export function ActiveFilters({ filters }: { filters: ActiveFilter[] }) {
  if (filters.length === 0) return null;
  return (
    <ul aria-label="Active filters" data-testid="active-filters" className="flex flex-wrap items-center gap-2 text-sm">
      {filters.map((f) => (
        <li key={f.key}>
          <Link
            href={`/${matrixQueryString(f.without)}`}
            aria-label={`Remove filter: ${f.label}`}
            data-testid={`filter-chip-${f.key}`}
            className="inline-flex items-center gap-1 rounded-full border border-sky-200 bg-sky-50 px-2.5 py-0.5 text-sky-900 hover:bg-sky-100"
          >
            {f.label}
            <span aria-hidden="true" className="text-sky-700">
              ×
            </span>
          </Link>
        </li>
      ))}
      {filters.length > 1 ? (
        <li>
          <Link href="/" className="text-xs text-sky-700 underline">
            clear all
          </Link>
        </li>
      ) : null}
    </ul>
  );
}

/** The empty matrix under filters says which filters emptied it, with a way out. */
export function NoMatch({ filters }: { filters: ActiveFilter[] }) {
  return (
    <p data-testid="no-match" className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
      No apps match: {filters.map((f) => f.label).join(" · ")} —{" "}
      <Link href="/" className="text-sky-700 underline">
        clear filters
      </Link>
    </p>
  );
}
