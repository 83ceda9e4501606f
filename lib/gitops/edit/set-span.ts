import { parseDocument } from "yaml";
import { YamlEditError } from "./errors";
import { renderScalar, type QuoteStyle } from "./quote";

/** What the scalar written at `[start, end)` of a template reads as, or undefined when the span holds no single scalar. */
export function spanValue(text: string, [start, end]: readonly [number, number]): string | undefined {
  const raw = text.slice(start, end);
  if (raw === "" || raw.includes("\n") || raw.includes("{{")) return undefined;
  const doc = parseDocument(raw, { prettyErrors: false, logLevel: "silent" });
  const value: unknown = doc.errors.length === 0 ? doc.toJS() : undefined;
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/**
 * Set the scalar written at `[start, end)` of a template that is no YAML until rendered (a helmfile `.gotmpl`
 * whose release names are actions): its own text is spliced, quoting kept, so the template around it stays as written.
 */
export function setSpan(text: string, span: readonly [number, number], value: string): string {
  const [start, end] = span;
  const line = text.slice(0, start).split("\n").length;
  const old = spanValue(text, span);
  if (old === undefined) throw new YamlEditError("not-a-scalar", `the text at line ${line} is no longer one scalar`, line);
  const first = text[start];
  const style: QuoteStyle = first === '"' ? "double" : first === "'" ? "single" : "plain";
  return text.slice(0, start) + renderScalar(value, style, false, old) + text.slice(end);
}
