import type { RepositorySummary } from "@/lib/data/repositories";
import { DataCell, DataRow, DataTable } from "@/components/data-table";
import { relativeTime } from "@/components/matrix/relative-time";
import { RefreshButton } from "./refresh-button";

export function RepositoryTable({ repositories }: { repositories: RepositorySummary[] }) {
  if (repositories.length === 0) {
    return <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">No repositories are configured.</p>;
  }
  return (
    <DataTable testId="repositories" headers={["Repository", "Conventions", "Head", "Last sync", "State", <span key="actions" className="sr-only">Actions</span>]}>
      {repositories.map((r) => (
        <DataRow key={r.id} testId={`repo-${r.name}`} top>
          <DataCell>
            <div className="font-medium">{r.name}</div>
            <div className="text-xs text-slate-500">
              {r.provider} · {r.url} · {r.branch}
              {r.team ? ` · team ${r.team}` : ""}
            </div>
          </DataCell>
          <DataCell className="text-xs text-slate-600">{r.conventions.join(", ") || "—"}</DataCell>
          <DataCell className="font-mono text-xs" testId="head-sha">
            {r.headSha ? r.headSha.slice(0, 10) : "—"}
          </DataCell>
          <DataCell className="text-xs text-slate-600" title={r.lastSyncAt ?? undefined}>
            {r.lastSyncAt ? `${relativeTime(r.lastSyncAt)}${r.lastSyncMs !== null ? ` (${r.lastSyncMs} ms)` : ""}` : "never"}
          </DataCell>
          <DataCell className="text-xs" testId="sync-state">
            {r.branchNotices.map((n) => (
              <div key={n} className="mb-1 text-amber-800" data-testid="branch-notice">
                {n}
              </div>
            ))}
            {r.archivedAt ? (
              <span className="text-slate-500" data-testid="archived" title={r.archivedAt}>
                archived: removed from the configuration, no longer synced or changed
              </span>
            ) : r.syncError ? (
              <span className="text-red-800">error: {r.syncError}</span>
            ) : r.headSha ? (
              <span className="text-emerald-700">
                synced · {r.appCount} apps
                {r.readErrors.length ? <span className="text-amber-700"> · {r.readErrors.length} files could not be read</span> : null}
              </span>
            ) : (
              <span className="text-slate-500">not synced yet</span>
            )}
            {r.readErrors.length ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-amber-800">Files that could not be read</summary>
                <ul className="mt-1 list-disc pl-4">
                  {r.readErrors.slice(0, 20).map((e, i) => (
                    <li key={i}>
                      <span className="font-mono">
                        {e.file}
                        {e.line ? `:${e.line}` : ""}
                      </span>
                      : {e.message}
                    </li>
                  ))}
                </ul>
                {r.readErrors.length > 20 ? <p className="mt-1 text-slate-500">and {r.readErrors.length - 20} more</p> : null}
              </details>
            ) : null}
            {r.readNotes.length ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-slate-600">Notes ({r.readNotes.length})</summary>
                <ul className="mt-1 list-disc pl-4 text-slate-600">
                  {r.readNotes.slice(0, 20).map((n, i) => (
                    <li key={i}>{n}</li>
                  ))}
                </ul>
                {r.readNotes.length > 20 ? <p className="mt-1 text-slate-500">and {r.readNotes.length - 20} more</p> : null}
              </details>
            ) : null}
          </DataCell>
          <DataCell>{r.archivedAt ? null : <RefreshButton repository={r.name} />}</DataCell>
        </DataRow>
      ))}
    </DataTable>
  );
}
