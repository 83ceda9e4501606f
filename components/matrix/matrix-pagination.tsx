import Link from "next/link";
import { matrixQueryString, type MatrixQuery } from "@/lib/data/matrix-query";

export function MatrixPagination({ query, total, pageSize }: { query: MatrixQuery; total: number; pageSize: number }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return <p className="text-xs text-slate-500">{total} apps</p>;
  const first = (query.page - 1) * pageSize + 1;
  const last = Math.min(total, query.page * pageSize);
  return (
    <nav aria-label="Pages" className="flex items-center gap-3 text-sm">
      <span className="text-slate-600">
        {first}–{last} of {total} apps
      </span>
      {query.page > 1 ? (
        <Link className="rounded border border-slate-300 px-2 py-1 hover:bg-white" href={`/${matrixQueryString({ ...query, page: query.page - 1 })}`}>
          Previous
        </Link>
      ) : null}
      <span className="text-slate-500">
        page {query.page} of {pages}
      </span>
      {query.page < pages ? (
        <Link className="rounded border border-slate-300 px-2 py-1 hover:bg-white" href={`/${matrixQueryString({ ...query, page: query.page + 1 })}`}>
          Next
        </Link>
      ) : null}
    </nav>
  );
}
