"use client";

import { useId, useRef, useState, useTransition } from "react";
import { createToken } from "./actions";

interface TeamOption {
  name: string;
  label: string;
}

type Field = "name" | "teams";
type FieldErrors = Partial<Record<Field, string>>;

/** The checks the server makes too (lib/actions/tokens/create-api-token.ts), so the person hears about them before a round trip. */
function validate(data: FormData): FieldErrors {
  const errors: FieldErrors = {};
  if (!String(data.get("name") ?? "").trim()) errors.name = "Give the token a name (e.g. the CI job that uses it).";
  if (data.getAll("teams").length === 0) errors.teams = "Choose at least one team: a token may only promote the apps of its teams.";
  return errors;
}

/**
 * The plaintext token lives only in this component's state: it is gone on the next page load.
 * Errors: each invalid field is marked aria-invalid and points at its message with aria-describedby,
 * the messages are announced (role=alert), and focus moves to the first invalid field.
 */
export function CreateTokenForm({ teams, defaultDays }: { teams: TeamOption[]; defaultDays: number }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const teamsFieldset = useRef<HTMLFieldSetElement>(null);
  const ids = { name: useId(), teams: useId(), form: useId() };

  const focusFirstInvalid = (errors: FieldErrors) => {
    if (errors.name) nameInput.current?.focus();
    else if (errors.teams) teamsFieldset.current?.querySelector<HTMLInputElement>("input")?.focus();
  };
  const showErrors = (errors: FieldErrors) => {
    setFieldErrors(errors);
    focusFirstInvalid(errors);
  };

  return (
    <section className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">New token</h2>
      <form
        ref={form}
        noValidate
        aria-describedby={error ? ids.form : undefined}
        className="flex flex-col gap-3"
        // onSubmit rather than a form action: React resets a form after its action returns, which
        // would throw away what the person typed when there is something to correct.
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          setError(null);
          const errors = validate(data);
          if (Object.keys(errors).length > 0) {
            showErrors(errors);
            return;
          }
          setFieldErrors({});
          start(async () => {
            const result = await createToken(data);
            if (!result.ok) {
              const fromServer: FieldErrors = {};
              if (result.fieldErrors?.name?.[0]) fromServer.name = result.fieldErrors.name[0];
              if (result.fieldErrors?.teams?.[0]) fromServer.teams = result.fieldErrors.teams[0];
              if (Object.keys(fromServer).length > 0) showErrors(fromServer);
              else setError(result.error);
              return;
            }
            setCreated({ name: result.data.name, token: result.data.token });
            form.current?.reset();
          });
        }}
      >
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor={`${ids.name}-input`}>Name</label>
          <input
            ref={nameInput}
            id={`${ids.name}-input`}
            name="name"
            required
            maxLength={100}
            placeholder="e.g. payments CI"
            aria-invalid={fieldErrors.name ? true : undefined}
            aria-describedby={fieldErrors.name ? ids.name : undefined}
            className="max-w-sm rounded border border-slate-300 px-2 py-1 aria-invalid:border-red-600"
          />
          {fieldErrors.name ? (
            <p id={ids.name} role="alert" className="text-red-700" data-testid="error-name">
              {fieldErrors.name}
            </p>
          ) : null}
        </div>
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor={`${ids.name}-days`}>Valid for (days)</label>
          <input
            id={`${ids.name}-days`}
            name="days"
            type="number"
            min={1}
            max={3650}
            step={1}
            placeholder={String(defaultDays)}
            aria-describedby={`${ids.name}-days-hint`}
            className="w-28 rounded border border-slate-300 px-2 py-1"
          />
          <p id={`${ids.name}-days-hint`} className="text-xs text-slate-600">
            Empty: {defaultDays} days. An expired token is refused with a message saying so; create a new one before then.
          </p>
        </div>
        <fieldset
          ref={teamsFieldset}
          className="flex flex-col gap-1 text-sm"
          aria-invalid={fieldErrors.teams ? true : undefined}
          aria-describedby={fieldErrors.teams ? ids.teams : undefined}
        >
          <legend className="mb-1">Teams it may promote for</legend>
          {teams.length === 0 ? <p className="text-slate-500">No teams yet: sync a repository first.</p> : null}
          <div className="flex flex-wrap gap-3">
            {teams.map((t) => (
              <label key={t.name} className="flex items-center gap-1">
                <input type="checkbox" name="teams" value={t.name} aria-describedby={fieldErrors.teams ? ids.teams : undefined} />
                {t.label}
              </label>
            ))}
          </div>
          {fieldErrors.teams ? (
            <p id={ids.teams} role="alert" className="text-red-700" data-testid="error-teams">
              {fieldErrors.teams}
            </p>
          ) : null}
        </fieldset>
        <div>
          <button type="submit" disabled={pending} className="rounded bg-sky-700 px-3 py-1 text-sm text-white hover:bg-sky-800 disabled:opacity-50">
            {pending ? "Creating…" : "Create token"}
          </button>
        </div>
      </form>
      {error ? (
        <p id={ids.form} role="alert" className="text-sm text-red-700">
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
