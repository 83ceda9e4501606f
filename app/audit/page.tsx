import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { authorize } from "@/lib/auth/policy";
import { getPrisma } from "@/lib/db/client";
import { DataCell, DataRow, DataTable } from "@/components/data-table";
import { relativeTime } from "@/components/matrix/relative-time";

export const metadata: Metadata = { title: "Audit log" };

const RESULT_STYLE: Record<string, string> = {
  ok: "text-emerald-700",
  allowed: "text-emerald-700",
  denied: "text-amber-700",
  error: "text-red-700",
};

export default async function AuditPage() {
  const user = await requireUser();
  const decision = authorize(user, "audit.read");
  if (!decision.allowed) {
    return (
      <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-amber-900">
        {decision.reason}
      </p>
    );
  }
  const events = await getPrisma().auditEvent.findMany({ orderBy: { at: "desc" }, take: 200 });
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Audit log</h1>
      <p className="text-sm text-slate-600">Every write attempt, allowed or refused: who, what, the result, and a link.</p>
      <DataTable testId="audit" headers={["When", "Who", "Action", "Resource", "Result"]}>
        {events.map((e) => (
          <DataRow key={e.id} top>
            <DataCell className="text-xs text-slate-600" title={e.at.toISOString()}>
              {relativeTime(e.at.toISOString())}
            </DataCell>
            <DataCell>
              {e.actorId ?? "—"} <span className="text-xs text-slate-500">({e.actorKind})</span>
            </DataCell>
            <DataCell className="font-mono text-xs">{e.action}</DataCell>
            <DataCell className="text-xs">
              {e.resourceType}
              {e.resourceId ? ` ${e.resourceId}` : ""}
              {e.link ? (
                <>
                  {" · "}
                  <a className="text-sky-700 underline" href={e.link}>
                    link
                  </a>
                </>
              ) : null}
            </DataCell>
            <DataCell className={`text-xs ${RESULT_STYLE[e.result] ?? ""}`}>
              {e.result}
              {e.message ? <span className="text-slate-600">: {e.message}</span> : null}
            </DataCell>
          </DataRow>
        ))}
      </DataTable>
    </div>
  );
}
