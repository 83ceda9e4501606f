import { Field, inputClass } from "./field";

interface Props {
  value: string;
  onChange: (value: string) => void;
  presets: { value: string; label: string }[];
  /** Which templates folder of the repository overrides the presets (`tenant` or `app`). */
  hint: string;
  error?: string;
}

/** The convention a scaffold follows: detected by default, or a built-in preset picked by hand. */
export function PresetField({ value, onChange, presets, hint, error }: Props) {
  return (
    <Field id="preset" label="Convention" error={error} hint={hint}>
      <select id="preset" value={value} onChange={(e) => onChange(e.target.value)} className={inputClass}>
        <option value="auto">Detect from the repository</option>
        {presets.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function PreviewButton({ pending }: { pending: boolean }) {
  return (
    <button type="submit" disabled={pending} className="w-fit rounded border border-sky-300 bg-sky-50 px-3 py-1.5 text-sm font-medium text-sky-800 hover:bg-sky-100 disabled:opacity-50">
      Preview
    </button>
  );
}
