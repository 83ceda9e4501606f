import { isRecord } from "../yaml";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { ChartRenderer, type PrintedValue, type Rendered } from "./helm/template-exec";
import { printValue, type Func } from "./helm/template-funcs";
import { TemplateError } from "./helm/template-parse";
import { basename } from "./paths";

export type TemplateParams = Record<string, unknown>;

/**
 * How an ApplicationSet renders `{{ }}`: `fast` is Argo CD's default fasttemplate (flat keys such as
 * `path.basename`, a missing key stays as written), `go` is `spec.goTemplate: true` (text/template over
 * nested params, `{{ .path.basename }}`).
 */
export type TemplateSyntax = "go" | "fast";

/** Parameters of one git generator match, in both fasttemplate (`path.basename`) and Go (`.path.basename`) style. */
export function pathParams(dir: string, file?: string): TemplateParams {
  const segs = dir === "" ? [] : dir.split("/");
  return {
    path: { path: dir, basename: basename(dir), basenameNormalized: basename(dir).replace(/[^a-zA-Z0-9-]/g, "-").toLowerCase(), filename: file ? basename(file) : undefined, segments: segs },
  };
}

/** Argo CD's `SanitizeName` (the `*Normalized` params and the `normalize` function): a DNS-1123-ish name. */
export function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, "-")
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, "");
}

function lenientLookup(params: TemplateParams, expr: string): unknown {
  const direct = params[expr];
  if (direct !== undefined) return isRecord(direct) && typeof direct.path === "string" ? direct.path : direct;
  const idx = /^path\[(\d+)\]$/.exec(expr);
  if (idx) return (lenientLookup(params, "path.segments") as unknown[] | undefined)?.[Number(idx[1])];
  let cur: unknown = params;
  for (const step of expr.split(".")) {
    if (!isRecord(cur)) return undefined;
    cur = cur[step];
  }
  // fasttemplate `{{path}}` means the directory, Go `{{.path}}` is the object: prefer the string.
  if (isRecord(cur) && typeof cur.path === "string") return cur.path;
  return cur;
}

/** Syntax unknown (callers that only hold path params): accept both `{{path.basename}}` and `{{.path.basename}}`. */
function renderLenient(text: string, params: TemplateParams, unresolved: string[]): string {
  return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (whole, rawExpr: string) => {
    let expr = rawExpr.trim();
    const index = /^index\s+\.?([\w.]+)\s+(\d+)$/.exec(expr);
    let value: unknown;
    if (index?.[1] && index[2]) {
      const list = lenientLookup(params, index[1]);
      value = Array.isArray(list) ? list[Number(index[2])] : undefined;
    } else {
      expr = expr.replace(/^\./, "");
      value = /^[\w.[\]-]+$/.test(expr) ? lenientLookup(params, expr) : undefined;
    }
    if (value === undefined || value === null || typeof value === "object") {
      unresolved.push(whole);
      return whole;
    }
    return String(value);
  });
}

/** fasttemplate as Argo CD calls it: `{{ key }}` is replaced by the string param `key`, anything else stays. */
function renderFast(text: string, params: TemplateParams, unresolved: string[], printed?: PrintedValue[]): string {
  let out = "";
  let pos = 0;
  for (;;) {
    const start = text.indexOf("{{", pos);
    if (start < 0) break;
    const end = text.indexOf("}}", start + 2);
    if (end < 0) break;
    const tag = text.slice(start + 2, end);
    const value = Object.hasOwn(params, tag.trim()) ? params[tag.trim()] : undefined;
    out += text.slice(pos, start);
    if (typeof value === "string" && tag.trim() !== "") {
      printed?.push({ start: out.length, end: out.length + value.length, path: [tag.trim()], value });
      out += value;
    } else {
      unresolved.push(`{{${tag}}}`);
      out += `{{${tag}}}`;
    }
    pos = end + 2;
  }
  return out + text.slice(pos);
}

/** Argo CD's own template function besides Sprig's: `normalize` (SanitizeName). */
const APPSET_FUNCS: Record<string, Func> = { normalize: ([s]) => sanitizeName(printValue(s)) };

/** One renderer for every action: evaluating keeps no state between calls. */
const goActions = new ChartRenderer({}, [], { traced: null, funcs: APPSET_FUNCS });

export type RenderedTemplate = { ok: true; template: Record<string, unknown>; templated: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Template text (a `templatePatch`, a `spec.template` that is YAML only once rendered, Helm values the
 * template writes as a string) rendered for one element and read as YAML, with what the template wrote there:
 * a value printed whole from one parameter reads `{{ .a.b }}` (where a promotion edits it: the
 * generator), one built by the template from several pieces `{{ … }}`, anything else as rendered.
 */
export function renderTemplateYaml(templateText: string, params: TemplateParams, syntax: TemplateSyntax): RenderedTemplate {
  let out: Rendered;
  try {
    // fasttemplate has no control actions: its text is rendered as it renders a string field.
    if (syntax === "go") out = new ChartRenderer(params, [], { traced: params, funcs: APPSET_FUNCS }).render(templateText);
    else {
      const printed: PrintedValue[] = [];
      out = { text: renderFast(templateText, params, [], printed), printed };
    }
  } catch (e) {
    if (e instanceof TemplateError) return { ok: false, reason: `cannot be rendered (${e.message})` };
    throw e;
  }
  const doc = parseDocument(out.text, { prettyErrors: false, logLevel: "silent" });
  const first = doc.errors[0];
  if (first) return { ok: false, reason: `is not valid YAML once rendered (${first.message.split("\n", 1)[0] ?? ""})` };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  // Everything inside a false `if`: nothing to render.
  if (value === null || value === undefined) return { ok: true, template: {}, templated: {} };
  if (!isRecord(value)) return { ok: false, reason: "is not a mapping once rendered" };
  const templated = writtenAs(doc.contents, out.printed);
  return { ok: true, template: value, templated: isRecord(templated) ? templated : {} };
}

function writtenAs(node: unknown, printed: readonly PrintedValue[]): unknown {
  if (isMap(node)) return Object.fromEntries(node.items.map((pair) => [String(isScalar(pair.key) ? pair.key.value : pair.key), writtenAs(pair.value, printed)]));
  if (isSeq(node)) return node.items.map((item) => writtenAs(item, printed));
  if (!isScalar(node) || !node.range) return null;
  const [start, end] = node.range;
  const inside = printed.filter((p) => p.start >= start && p.end <= end);
  const one = inside[0];
  if (inside.length === 1 && one?.value !== undefined && String(node.value) === one.value) return `{{ .${one.path.join(".")} }}`;
  return inside.length > 0 ? "{{ … }}" : node.value;
}

/** Evaluate one Go template action (`.a.b`, `index .path.segments 1`, `.x | lower`); undefined when Ferry cannot. */
function evalGoAction(expr: string, params: TemplateParams): unknown {
  try {
    return goActions.evaluate(expr, params);
  } catch (e) {
    if (e instanceof TemplateError) return undefined;
    throw e;
  }
}

/** Go text/template over the subset above; an action that cannot be evaluated is kept as written. */
function renderGo(text: string, params: TemplateParams, unresolved: string[]): string {
  let out = "";
  let pos = 0;
  let trimNext = false;
  for (;;) {
    const start = text.indexOf("{{", pos);
    if (start < 0) break;
    // The action ends at the first `}}` outside a string literal.
    let end = -1;
    let quote: string | null = null;
    for (let i = start + 2; i < text.length - 1; i++) {
      const ch = text[i];
      if (quote) {
        if (ch === "\\" && quote === '"') i++;
        else if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "`") quote = ch;
      else if (ch === "}" && text[i + 1] === "}") {
        end = i;
        break;
      }
    }
    if (end < 0) break;
    let literal = text.slice(pos, start);
    if (trimNext) literal = literal.replace(/^\s+/, "");
    let body = text.slice(start + 2, end);
    const trimBefore = /^-\s/.test(body);
    const trimAfter = /\s-$/.test(body);
    if (trimBefore) {
      literal = literal.replace(/\s+$/, "");
      body = body.slice(1);
    }
    if (trimAfter) body = body.slice(0, -1);
    out += literal;
    body = body.trim();
    const whole = text.slice(start, end + 2);
    if (/^\/\*[\s\S]*\*\/$/.test(body)) {
      // A comment renders nothing.
    } else {
      const value = /^(if|else|end|range|with|define|template|block|break|continue)\b/.test(body) ? undefined : evalGoAction(body, params);
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out += String(value);
      else {
        unresolved.push(whole);
        out += whole;
      }
    }
    trimNext = trimAfter;
    pos = end + 2;
  }
  let rest = text.slice(pos);
  if (trimNext) rest = rest.replace(/^\s+/, "");
  return out + rest;
}

/**
 * Render `{{ … }}` in an ApplicationSet template string; `unresolved` lists what could not be evaluated.
 * Without `syntax`, both fasttemplate and Go forms are accepted (for callers that only hold path params).
 */
export function renderTemplateString(text: string, params: TemplateParams, unresolved: string[], syntax?: TemplateSyntax): string {
  if (!text.includes("{{")) return text;
  if (syntax === "fast") return renderFast(text, params, unresolved);
  if (syntax === "go") return renderGo(text, params, unresolved);
  return renderLenient(text, params, unresolved);
}

/** Render every string (and, as Argo CD does, every mapping key) of a template value. */
export function renderTemplate(value: unknown, params: TemplateParams, unresolved: string[], syntax?: TemplateSyntax): unknown {
  if (typeof value === "string") return renderTemplateString(value, params, unresolved, syntax);
  if (Array.isArray(value)) return value.map((v) => renderTemplate(v, params, unresolved, syntax));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = renderTemplateString(k, params, unresolved, syntax);
      if (key === "__proto__") continue;
      out[key] = renderTemplate(v, params, unresolved, syntax);
    }
    return out;
  }
  return value;
}
