import type { FieldNow } from "@/lib/data/change-now";
import { relativeTime } from "@/components/matrix/relative-time";
import { UpdateOnHeadButton, UpdateOnHeadOutcome } from "./update-on-head";

interface Props {
  id: number;
  baseBranch: string;
  /** The commit the change was planned on. */
  baseSha: string;
  conflict: boolean | null;
  /** The base branch's head when it is not `baseSha`. */
  baseMovedTo: string | null;
  replanned: { sha: string; by: string | null; at: string | null } | null;
  /** Each promoted field's "Now" when planned and at the current head. */
  fields: FieldNow[];
  /** null: the viewer may update it; otherwise why not. */
  updateRefusal: string | null;
  open: boolean;
}

/**
 * Where the change stands against its base: a conflict (its files moved under it), a base that moved
 * since it was planned (with the new "Now"), when Ferry last re-planned it, and the way out: update it
 * on the current head.
 */
export function BaseNotice({ id, baseBranch, baseSha, conflict, baseMovedTo, replanned, fields, updateRefusal, open }: Props) {
  const moved = fields.filter((f) => f.now !== f.plannedFrom);
  return (
    <UpdateOnHeadOutcome>
      {replanned ? (
        <p data-testid="change-replanned" className="text-sm text-slate-700">
          Updated on <span className="font-mono">{replanned.sha.slice(0, 10)}</span> by <strong>{replanned.by ?? "someone"}</strong>
          {replanned.at ? <> {relativeTime(replanned.at)}</> : null}.
        </p>
      ) : null}
      {open && (conflict || baseMovedTo) ? (
        <section
          aria-labelledby={`base-notice-${id}`}
          data-testid="change-base-notice"
          className={`flex flex-col gap-2 rounded border p-3 text-sm ${conflict ? "border-red-300 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}
        >
          <h2 id={`base-notice-${id}`} className="font-medium">
            {conflict ? (
              <>
                <span data-testid="change-conflict" className="mr-1 rounded bg-red-700 px-1.5 py-0.5 text-xs font-semibold text-white uppercase">
                  conflict
                </span>
                {baseBranch} changed the files this change edits: it cannot be merged as it is.
              </>
            ) : (
              <>The base moved since this change was planned.</>
            )}
          </h2>
          {baseMovedTo ? (
            <p data-testid="change-base-moved">
              Planned on <span className="font-mono">{baseSha.slice(0, 10)}</span>; {baseBranch} is now at <span className="font-mono">{baseMovedTo.slice(0, 10)}</span>.
            </p>
          ) : null}
          {moved.length ? (
            <table className="text-left text-xs" data-testid="change-new-now">
              <thead>
                <tr>
                  <th className="pr-3 font-medium">Field</th>
                  <th className="pr-3 font-medium">Now when planned</th>
                  <th className="pr-3 font-medium">Now</th>
                  <th className="font-medium">After merge</th>
                </tr>
              </thead>
              <tbody>
                {moved.map((f) => (
                  <tr key={`${f.file}:${f.field}`}>
                    <td className="pr-3 font-mono">{f.name}</td>
                    <td className="pr-3 font-mono line-through">{f.plannedFrom ?? "—"}</td>
                    <td className="pr-3 font-mono font-semibold">{f.now ?? "—"}</td>
                    <td className="font-mono">{f.to ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <UpdateOnHeadButton id={id} refusal={updateRefusal} />
        </section>
      ) : null}
    </UpdateOnHeadOutcome>
  );
}
