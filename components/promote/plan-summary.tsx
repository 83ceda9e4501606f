import type { PromotionPlan } from "@/lib/gitops/promote";

type ChangesPlan = Extract<PromotionPlan, { status: "changes" }>;

/** Per field old → new, then what was deliberately not copied and what a reviewer should check. */
export function PlanSummary({ plan }: { plan: Pick<ChangesPlan, "fields" | "skipped" | "notes" | "downgrade"> }) {
  return (
    <div className="flex flex-col gap-3 text-sm">
      {plan.downgrade ? (
        <p role="alert" className="rounded border border-amber-200 bg-amber-50 p-2 text-amber-900">
          This is a rollback: the target gets an older version than it runs now.
        </p>
      ) : null}
      {plan.fields.length ? (
        <table className="w-full text-left" data-testid="plan-fields">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="py-1 font-medium">Field</th>
              <th className="py-1 font-medium">Now</th>
              <th className="py-1 font-medium">After merge</th>
            </tr>
          </thead>
          <tbody>
            {plan.fields.map((f, i) => (
              <tr key={i} className="border-t border-slate-100 align-top">
                <td className="py-1">
                  <div className="font-mono text-xs">{f.name}</div>
                  <div className="font-mono text-[11px] text-slate-500">
                    {f.file} → {f.field}
                  </div>
                </td>
                <td className="py-1 font-mono text-xs text-red-700">{f.from ?? "—"}</td>
                <td className="py-1 font-mono text-xs text-emerald-700">{f.to ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
