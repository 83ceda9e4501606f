import type { PromotionPreview } from "@/lib/changes/preview-promotion";
import type { FieldChange } from "@/lib/gitops/promote/types";

/**
 * In the promote dialog, when the open change this would update was planned on an older base: say so,
 * whether it conflicts, and each field whose "Now" moved since it was planned (the table below shows the new one).
 */
export function ExistingBaseMoved({ existing, baseSha, fields }: { existing: NonNullable<PromotionPreview["existingChange"]>; baseSha: string; fields: FieldChange[] }) {
  const moved = fields.flatMap((f) => {
    const then = existing.plannedNow.find((p) => p.file === f.file && p.field === f.field) ?? existing.plannedNow.find((p) => p.name === f.name);
    return then && then.from !== f.from ? [{ name: f.name, then: then.from, now: f.from }] : [];
  });
  return (
    <div role="status" data-testid="promote-base-moved" className={`rounded border p-2 text-sm ${existing.conflict ? "border-red-300 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}>
      <p>
        {existing.conflict ? <strong className="mr-1 uppercase">conflict:</strong> : null}
        {existing.label} was planned on <span className="font-mono">{existing.baseSha.slice(0, 10)}</span>; the base has moved since (now{" "}
        <span className="font-mono">{baseSha.slice(0, 10)}</span>). Confirming updates it on the current head.
      </p>
      {moved.length ? (
        <ul className="mt-1 list-disc pl-5 text-xs">
          {moved.map((m) => (
            <li key={m.name}>
              {m.name}: &quot;Now&quot; was <span className="font-mono">{m.then ?? "—"}</span> when it was planned, is <span className="font-mono">{m.now ?? "—"}</span> now.
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
