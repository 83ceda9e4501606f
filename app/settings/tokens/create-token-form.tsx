"use client";

import { useRef, useState, useTransition } from "react";
import { createToken } from "./actions";

interface TeamOption {
  name: string;
  label: string;
}

/** The plaintext token lives only in this component's state: it is gone on the next page load. */
export function CreateTokenForm({ teams }: { teams: TeamOption[] }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const form = useRef<HTMLFormElement>(null);

  return (
    <section className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">New token</h2>
      <form
        ref={form}
        className="flex flex-col gap-3"
        action={(data) =>
          start(async () => {
            setError(null);
            const result = await createToken(data);
            if (!result.ok) {
              setError(result.error);
              return;
            }
            setCreated({ name: result.data.name, token: result.data.token });
            form.current?.reset();
          })
        }
      >
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input name="name" required maxLength={100} placeholder="e.g. payments CI" className="max-w-sm rounded border border-slate-300 px-2 py-1" />
        </label>
        <fieldset className="flex flex-col gap-1 text-sm">
          <legend className="mb-1">Teams it may promote for</legend>
          {teams.length === 0 ? <p className="text-slate-500">No teams yet: sync a repository first.</p> : null}
          <div className="flex flex-wrap gap-3">
            {teams.map((t) => (
              <label key={t.name} className="flex items-center gap-1">
                <input type="checkbox" name="teams" value={t.name} />
                {t.label}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <button type="submit" disabled={pending} className="rounded bg-sky-700 px-3 py-1 text-sm text-white hover:bg-sky-800 disabled:opacity-50">
            {pending ? "Creating…" : "Create token"}
          </button>
        </div>
      </form>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {created ? (
        <div role="status" data-testid="new-token" className="flex flex-col gap-1 rounded border border-emerald-200 bg-emerald-50 p-3 text-sm">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now: it is not shown again.
          </p>
          <code className="select-all break-all rounded bg-white px-2 py-1 font-mono text-xs">{created.token}</code>
          <button type="button" className="self-start text-xs text-slate-600 underline" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      ) : null}
    </section>
  );
}
