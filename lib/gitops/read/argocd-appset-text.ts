// ApplicationSets with `goTemplate: true` whose `spec.template` holds Go template control lines
// (`{{- if .autoSync }}` … `{{- end }}` between its fields): the file is YAML only once the template is
// rendered for a generated element. Argo CD's own templating works on the parsed object, but such sets are
// written (and applied through a rendering step) in real repositories; Ferry reads the rest of the set as
// YAML and renders the template's text once per element before parsing it.

import { isRecord, parseYamlDocuments } from "../yaml";
import type { ReadContext } from "./context";
import { isYamlPath } from "./paths";

export interface TextApplicationSet {
  file: string;
  doc: number;
  /** The set without its template's text; `spec.template` is what parses with the control lines left out (or `{}`). */
  value: Record<string, unknown>;
  /** `spec.template`'s block, dedented: Go template text that renders to YAML. */
  templateText: string;
  /** 1-based line of `template:` in the file. */
  line: number;
}

const APPLICATIONSET_KIND = /^\s*kind:\s*["']?ApplicationSet\b/m;
const GO_TEMPLATE = /^\s*goTemplate:\s*true\b/m;
/** A line that is only template actions (`{{- if .x }}`, `{{ end }}`): no YAML of its own. */
const ACTION_LINE = /^\s*(\{\{[^\n]*?\}\}\s*)+$/;

/**
 * The goTemplate ApplicationSets of the tree that are not valid YAML because of their template's text.
 * A document read this way has its parse errors withdrawn from the read: the caller reports what
 * rendering finds instead.
 */
export function textApplicationSets(ctx: ReadContext): TextApplicationSet[] {
  const out: TextApplicationSet[] = [];
  for (const path of ctx.index.paths) {
    if (!isYamlPath(path) || path.startsWith(".ferry/") || ctx.load(path).status !== "error") continue;
    const text = ctx.index.read(path) ?? "";
    if (!APPLICATIONSET_KIND.test(text) || !GO_TEMPLATE.test(text)) continue;
    for (const chunk of documentChunks(text)) {
      if (!APPLICATIONSET_KIND.test(chunk.text) || parseYamlDocuments(chunk.text).errors.length === 0) continue;
      const set = splitTemplate(chunk.text);
      if (!set) continue;
      out.push({ file: path, doc: chunk.doc, value: set.value, templateText: set.templateText, line: chunk.line + set.line });
      const last = chunk.line + chunk.text.split("\n").length - 1;
      for (let i = ctx.errors.length - 1; i >= 0; i--) {
        const e = ctx.errors[i];
        if (e?.file === path && e.line !== undefined && e.line >= chunk.line && e.line <= last) ctx.errors.splice(i, 1);
      }
    }
  }
  return out;
}

/** The documents of a YAML stream, with the index `yaml` gives each and the 1-based line it starts on. */
function documentChunks(text: string): { doc: number; line: number; text: string }[] {
  const lines = text.split("\n");
  const out: { doc: number; line: number; text: string }[] = [];
  let start = 0;
  let doc = 0;
  const flush = (end: number, afterMarker: boolean) => {
    const body = lines.slice(start, end);
    // Comments before the first `---` belong to the first document; they are not one of their own.
    if (afterMarker || body.some((l) => l.trim() !== "" && !l.trim().startsWith("#") && !l.startsWith("%"))) {
      out.push({ doc, line: start + 1, text: body.join("\n") });
      doc++;
    }
  };
  let afterMarker = false;
  lines.forEach((l, i) => {
    if (!/^---(\s|$)/.test(l)) return;
    flush(i, afterMarker);
    start = i + 1;
    afterMarker = true;
  });
  flush(lines.length, afterMarker);
  return out;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Cut `spec.template`'s block out of one document: the rest must parse without it. */
function splitTemplate(text: string): { value: Record<string, unknown>; templateText: string; line: number } | undefined {
  const lines = text.split("\n");
  const spec = lines.findIndex((l) => /^spec:\s*(#.*)?$/.test(l));
  if (spec < 0) return undefined;
  const firstChild = lines.findIndex((l, i) => i > spec && l.trim() !== "" && !l.trim().startsWith("#") && !ACTION_LINE.test(l));
  const childIndent = firstChild < 0 ? 0 : indentOf(lines[firstChild] ?? "");
  if (childIndent === 0) return undefined;
  let at = -1;
  for (let i = spec + 1; i < lines.length; i++) {
    const l = lines[i] ?? "";
    if (l.trim() === "" || l.trim().startsWith("#") || ACTION_LINE.test(l)) continue;
    if (indentOf(l) < childIndent) break;
    if (indentOf(l) === childIndent && /^\s*template:\s*(#.*)?$/.test(l)) {
      at = i;
      break;
    }
  }
  if (at < 0) return undefined;
  let end = at + 1;
  while (end < lines.length) {
    const l = lines[end] ?? "";
    if (l.trim() !== "" && !l.trim().startsWith("#") && !ACTION_LINE.test(l) && indentOf(l) <= childIndent) break;
    end++;
  }
  // Trailing action lines at the block's edge (`{{- end }}` dedented) still belong to the template.
  const block = lines.slice(at + 1, end);
  const dedent = Math.min(...block.filter((l) => l.trim() !== "" && !ACTION_LINE.test(l)).map(indentOf));
  if (!Number.isFinite(dedent)) return undefined;
  const templateText = block.map((l) => l.slice(Math.min(dedent, indentOf(l)))).join("\n");
  // The rest keeps its line numbers: the template's lines are blanked, not removed.
  const rest = [...lines.slice(0, at), `${" ".repeat(childIndent)}template: {}`, ...block.map(() => ""), ...lines.slice(end)].join("\n");
  const parsed = parseYamlDocuments(rest);
  const value = parsed.documents[0]?.value;
  if (parsed.errors.length > 0 || !isRecord(value) || !isRecord(value.spec) || value.spec.goTemplate !== true) return undefined;
  // Without its control lines the template may parse: its fields then say which values are templated.
  const skeleton = parseYamlDocuments(block.filter((l) => !ACTION_LINE.test(l)).map((l) => l.slice(Math.min(dedent, indentOf(l)))).join("\n"));
  const shape = skeleton.errors.length === 0 ? skeleton.documents[0]?.value : undefined;
  value.spec.template = isRecord(shape) ? shape : {};
  return { value, templateText, line: at };
}
