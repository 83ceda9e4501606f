import { parse } from "yaml";

export type QuoteStyle = "plain" | "single" | "double";

// Characters that never need quoting in a block plain scalar; anything else goes through quotes.
// Later characters also take URL query syntax (`?ref=v1&x=y`, `%2F`): the round trip below still has the last word.
const SAFE_PLAIN = /^[A-Za-z0-9_./@+=-][A-Za-z0-9_./@:+=~?&%,#-]*$/;

/** What a plain scalar `text` would load as: keeps `1.10` → 1.1, `true`, `~`, `010` visible to callers. */
function loadPlain(text: string): unknown {
  try {
    return parse(`v: ${text}`, { prettyErrors: false }) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whether `value` can be written plain: it must load back as exactly this string, or (when the old value was
 * a plain number or boolean, e.g. `version: 1.2`) as a value of the same type that prints identically.
 */
export function plainIsSafe(value: string, inFlow: boolean, previous?: unknown): boolean {
  if (!SAFE_PLAIN.test(value)) return false;
  if (inFlow && /[,[\]{}]/.test(value)) return false;
  if (/:$/.test(value)) return false;
  const loaded = loadPlain(value);
  const v = loaded && typeof loaded === "object" ? (loaded as { v?: unknown }).v : undefined;
  if (v === value) return true;
  return previous !== undefined && typeof previous !== "string" && typeof v === typeof previous && String(v) === value;
}

export function quote(value: string, style: QuoteStyle): string {
  if (style === "single") return `'${value.replace(/'/g, "''")}'`;
  if (style === "double") {
    const escaped = value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
      if (c === "\\" || c === '"') return `\\${c}`;
      if (c === "\n") return "\\n";
      if (c === "\t") return "\\t";
      return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
    });
    return `"${escaped}"`;
  }
  return value;
}

/** Render `value` in the wanted style, falling back to double quotes when plain would change its meaning. */
export function renderScalar(value: string, style: QuoteStyle, inFlow: boolean, previous?: unknown): string {
  if (style === "plain" && !plainIsSafe(value, inFlow, previous)) return quote(value, "double");
  return quote(value, style);
}
