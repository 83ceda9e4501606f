import type { RepositorySummary } from "@/lib/data/repositories";
import { relativeTime } from "@/components/matrix/relative-time";
import { RefreshButton } from "./refresh-button";

export function RepositoryTable({ repositories }: { repositories: RepositorySummary[] }) {
  if (repositories.length === 0) {
    return <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">No repositories are configured.</p>;
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid="repositories">
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            <th className="px-3 py-2 font-medium">Repository</th>
            <th className="px-3 py-2 font-medium">Conventions</th>
            <th className="px-3 py-2 font-medium">Head</th>
            <th className="px-3 py-2 font-medium">Last sync</th>
            <th className="px-3 py-2 font-medium">State</th>
            <th className="px-3 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {repositories.map((r) => (
            <tr key={r.id} data-testid={`repo-${r.name}`} className="border-t border-slate-200 align-top">
              <td className="px-3 py-2">
                <div className="font-medium">{r.name}</div>
                <div className="text-xs text-slate-500">
                  {r.provider} · {r.url} · {r.branch}
                  {r.team ? ` · team ${r.team}` : ""}
                </div>
              </td>
              <td className="px-3 py-2 text-xs text-slate-600">{r.conventions.join(", ") || "—"}</td>
              <td className="px-3 py-2 font-mono text-xs" data-testid="head-sha">
                {r.headSha ? r.headSha.slice(0, 10) : "—"}
              </td>
              <td className="px-3 py-2 text-xs text-slate-600" title={r.lastSyncAt ?? undefined}>
                {r.lastSyncAt ? `${relativeTime(r.lastSyncAt)}${r.lastSyncMs !== null ? ` (${r.lastSyncMs} ms)` : ""}` : "never"}
              </td>
              <td className="px-3 py-2 text-xs" data-testid="sync-state">
                {r.syncError ? (
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
                  </details>
                ) : null}
              </td>
              <td className="px-3 py-2">
                <RefreshButton repository={r.name} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
