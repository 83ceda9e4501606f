import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { authorize } from "@/lib/auth/policy";
import { getPrisma } from "@/lib/db/client";
import { listLiveSources, listUnplacedLiveObjects } from "@/lib/data/live-sources";
import { DataCell, DataRow, DataTable } from "@/components/data-table";
import { relativeTime } from "@/components/matrix/relative-time";

export const metadata: Metadata = { title: "Live state" };

const LIMIT = 500;

export default async function LiveStatePage() {
  const user = await requireUser();
  const decision = authorize(user, "repository.read");
  if (!decision.allowed) {
    return (
      <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-amber-900">
        {decision.reason}
      </p>
    );
  }
  const prisma = getPrisma();
  const [sources, unplaced] = await Promise.all([listLiveSources(prisma), listUnplacedLiveObjects(prisma, LIMIT)]);
  // Server addresses and connection errors name internal hosts: platform admins only.
  const admin = user.role === "ADMIN";
  const now = new Date();
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Live state</h1>
      {sources.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600" data-testid="no-live-sources">
          No live-state source is connected, so cells show what git says and nothing about what runs. Connect an Argo CD API server with a read-only
          account, or a cluster&rsquo;s Kubernetes API (Flux and Argo CD objects) with a read-only ClusterRole: see <code>docs/live-state.md</code> (
          <code>liveSources:</code> in <code>ferry.config.yaml</code> or <code>FERRY_LIVE_SOURCES</code>).
        </p>
      ) : (
        <DataTable testId="live-sources" headers={["Source", "Kind", "Last contact", "State", "Placed", "Not placed"]}>
          {sources.map((s) => (
            <DataRow key={s.name} top>
              <DataCell className="font-medium">{s.name}</DataCell>
              <DataCell>{s.kind === "argocd" ? "Argo CD" : s.kind === "kubernetes" ? "Kubernetes API" : s.kind}</DataCell>
              <DataCell className="text-xs text-slate-600" title={s.lastContactAt ?? undefined}>
                {s.lastContactAt ? relativeTime(s.lastContactAt, now) : "never"}
              </DataCell>
              <DataCell className={s.staleSince ? "text-red-700" : "text-emerald-700"}>
                {s.staleSince ? `stale since ${relativeTime(s.staleSince, now)}` : s.lastContactAt ? "following" : "connecting"}
                {s.staleSince && admin && s.lastError ? <span className="block text-xs text-slate-600">{s.lastError}</span> : null}
              </DataCell>
              <DataCell>{s.placed}</DataCell>
              <DataCell>{s.unplaced}</DataCell>
            </DataRow>
          ))}
        </DataTable>
      )}
      {sources.length > 0 ? (
        <section className="flex flex-col gap-2">
          <h2 className="text-lg font-semibold">Not placed</h2>
          <p className="text-sm text-slate-600">
            Live objects Ferry could not match to a cell (repository URL, folder, chart, Application name and destination), with the reason.
            {unplaced.length >= LIMIT ? ` The first ${LIMIT} are shown.` : ""}
          </p>
          <DataTable testId="live-unplaced" headers={["Source", "Application", "Deploys", "Status", "Why it is not placed"]} empty={unplaced.length === 0 ? "Every live object is placed in a cell." : undefined}>
            {unplaced.map((u) => (
              <DataRow key={`${u.source}/${u.key}`} top>
                <DataCell>{u.source}</DataCell>
                <DataCell className="font-mono text-xs">{u.key}</DataCell>
                <DataCell className="text-xs text-slate-600">
                  {u.sources.map((s, i) => (
                    <span key={i} className="block break-all">
                      {s.repoURL} {s.chart ? `chart ${s.chart}` : s.path} {s.targetRevision ? `@ ${s.targetRevision}` : ""}
                    </span>
                  ))}
                </DataCell>
                <DataCell className="text-xs">
                  {u.sync} · {u.health}
                </DataCell>
                <DataCell>{u.reason}</DataCell>
              </DataRow>
            ))}
          </DataTable>
        </section>
      ) : null}
    </div>
  );
}
