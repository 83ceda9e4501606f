import type { ReactNode } from "react";

/** A labelled form field with its validation message right under it (aria-linked for screen readers). */
export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1 text-sm">
      <label htmlFor={id} className="font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !error ? <p className="text-xs text-slate-500">{hint}</p> : null}
      {error ? (
        <p id={`${id}-error`} role="alert" data-testid={`error-${id}`} className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export const inputClass = "rounded border border-slate-300 px-2 py-1 font-mono text-sm aria-[invalid=true]:border-red-500";
