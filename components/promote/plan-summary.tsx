import type { PromotionPlan } from "@/lib/gitops/promote";

type ChangesPlan = Extract<PromotionPlan, { status: "changes" }>;

/** Headings of the old and new value columns: a plan says "Now / After merge"; a merged change "Before / After". */
export interface PlanColumns {
  from: string;
  to: string;
}

const PLANNED: PlanColumns = { from: "Now", to: "After merge" };

/** Per field old → new, then what was deliberately not copied and what a reviewer should check. */
export function PlanSummary({ plan, columns = PLANNED }: { plan: Pick<ChangesPlan, "fields" | "skipped" | "notes" | "downgrade">; columns?: PlanColumns }) {
  return (
    <div className="flex flex-col gap-3 text-sm">
      {plan.downgrade ? (
        <p role="alert" className="rounded border border-amber-200 bg-amber-50 p-2 text-amber-900">
          This is a rollback: the target gets an older version than it runs now.
        </p>
      ) : null}
      {plan.fields.length ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left" data-testid="plan-fields">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="py-1 pr-3 font-medium">Field</th>
                <th className="py-1 pr-3 font-medium">{columns.from}</th>
                <th className="py-1 pr-3 font-medium">{columns.to}</th>
              </tr>
            </thead>
            <tbody>
              {plan.fields.map((f, i) => (
                <tr key={i} className="border-t border-slate-100 align-top">
                  <td className="py-1 pr-3">
                    <div className="font-mono text-xs">{f.name}</div>
                    <div className="font-mono text-[11px] break-all text-slate-500">
                      {f.file} → {f.field}
                    </div>
                  </td>
                  <td className="py-1 pr-3 font-mono text-xs text-red-700">{f.from ?? "—"}</td>
                  <td className="py-1 font-mono text-xs text-emerald-700">{f.to ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {plan.skipped.length ? (
        <details open={plan.skipped.length <= 5}>
          <summary className="cursor-pointer font-medium text-slate-700">Deliberately not copied ({plan.skipped.length})</summary>
          <ul className="mt-1 list-disc pl-5 text-xs text-slate-600" data-testid="plan-skipped">
            {plan.skipped.map((s, i) => (
              <li key={i}>
                <span className="font-mono">{s.path}</span>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {plan.notes.length ? (
        <div>
          <p className="font-medium text-slate-700">Please check</p>
          <ul className="list-disc pl-5 text-xs text-slate-600">
            {plan.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
