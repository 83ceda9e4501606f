import { isRecord } from "../yaml";
import { basename, dirname } from "./paths";

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
function renderFast(text: string, params: TemplateParams, unresolved: string[]): string {
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
    if (typeof value === "string" && tag.trim() !== "") out += value;
    else {
      unresolved.push(`{{${tag}}}`);
      out += `{{${tag}}}`;
    }
    pos = end + 2;
  }
  return out + text.slice(pos);
}

/** The Go template construct is outside the subset Ferry evaluates, or its value is missing. */
class NotEvaluated extends Error {}

type Token =
  | { t: "(" | ")" | "|" }
  /** `glued`: written right after the previous token, as in `(index .x 1).name`. */
  | { t: "field"; path: string[]; glued: boolean }
  | { t: "lit"; value: string | number | boolean | null }
  | { t: "ident"; name: string };

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] ?? "";
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")" || c === "|") {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < expr.length && expr[j] !== '"') {
        if (expr[j] === "\\" && j + 1 < expr.length) {
          const n = expr[j + 1];
          s += n === "n" ? "\n" : n === "t" ? "\t" : (n ?? "");
          j += 2;
        } else s += expr[j++] ?? "";
      }
      if (j >= expr.length) throw new NotEvaluated("unterminated string");
      out.push({ t: "lit", value: s });
      i = j + 1;
    } else if (c === "`") {
      const j = expr.indexOf("`", i + 1);
      if (j < 0) throw new NotEvaluated("unterminated raw string");
      out.push({ t: "lit", value: expr.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "." || c === "$") {
      // `.a.b`, `.` (the params), `$.a.b` ($ is the params too: no range/with here to rebind the dot).
      const m = /^(?:\$(?=\.|\s|\)|\||$))?(\.[A-Za-z_][\w]*)*\.?/.exec(expr.slice(i));
      const text = m?.[0] ?? "";
      if (text === "" || (c === "$" && /^\$[A-Za-z_]/.test(expr.slice(i)))) throw new NotEvaluated("template variables are not evaluated");
      out.push({ t: "field", path: text.replace(/^\$/, "").split(".").filter((p) => p !== ""), glued: i > 0 && !/\s/.test(expr[i - 1] ?? "") });
      i += text.length;
    } else if (/[-+\d]/.test(c)) {
      const m = /^[-+]?\d+(\.\d+)?/.exec(expr.slice(i));
      if (!m) throw new NotEvaluated(`unexpected ${c}`);
      out.push({ t: "lit", value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(expr.slice(i));
      const name = m?.[0] ?? c;
      if (name === "true" || name === "false") out.push({ t: "lit", value: name === "true" });
      else if (name === "nil") out.push({ t: "lit", value: null });
      else out.push({ t: "ident", name });
      i += name.length;
    } else throw new NotEvaluated(`unexpected ${c}`);
  }
  return out;
}

function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.keys(v).length === 0;
}

function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new NotEvaluated("not a string");
}

function printf(format: string, args: unknown[]): string {
  let n = 0;
  return format.replace(/%([svdq%])/g, (_, verb: string) => {
    if (verb === "%") return "%";
    const a = args[n++];
    if (a === undefined) throw new NotEvaluated("printf: missing argument");
    return verb === "q" ? JSON.stringify(str(a)) : str(a);
  });
}

/** The Go template and Sprig functions ApplicationSet templates use for names and paths; others are not evaluated. */
const FUNCS: Record<string, (args: unknown[]) => unknown> = {
  index: ([x, ...keys]) => {
    let cur = x;
    for (const k of keys) {
      if (Array.isArray(cur) && typeof k === "number") cur = cur[k];
      else if (isRecord(cur) && typeof k === "string") cur = Object.hasOwn(cur, k) ? cur[k] : undefined;
      else return undefined;
    }
    return cur;
  },
  lower: ([s]) => str(s).toLowerCase(),
  upper: ([s]) => str(s).toUpperCase(),
  trim: ([s]) => str(s).trim(),
  trimPrefix: ([p, s]) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: ([p, s]) => (str(p) !== "" && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
  replace: ([a, b, s]) => str(s).split(str(a)).join(str(b)),
  default: ([d, v]) => (isEmptyValue(v) ? d : v),
  normalize: ([s]) => sanitizeName(str(s)),
  quote: ([s]) => JSON.stringify(str(s)),
  squote: ([s]) => `'${str(s)}'`,
  toString: ([s]: unknown[]) => str(s),
  base: ([s]) => basename(str(s).replace(/\/+$/, "")) || ".",
  dir: ([s]) => dirname(str(s)) || ".",
  join: ([sep, list]) => {
    if (!Array.isArray(list)) throw new NotEvaluated("join: not a list");
    return list.map(str).join(str(sep));
  },
  printf: ([f, ...args]) => printf(str(f), args),
};

/** Evaluate one Go template action (`.a.b`, `index .path.segments 1`, `.x | lower`, `default "a" .b`). */
function evalGoAction(expr: string, params: TemplateParams): unknown {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = () => tokens[pos];

  const field = (root: unknown, path: string[]): unknown => {
    let cur = root;
    for (const step of path) {
      if (!isRecord(cur)) return undefined;
      cur = Object.hasOwn(cur, step) ? cur[step] : undefined;
    }
    return cur;
  };

  const operand = (): unknown => {
    const tok = tokens[pos++];
    if (!tok) throw new NotEvaluated("missing operand");
    if (tok.t === "(") {
      const v = pipeline();
      if (tokens[pos++]?.t !== ")") throw new NotEvaluated("missing )");
      const next = peek();
      // `(index .x 1).name`
      if (next?.t === "field" && next.glued) {
        pos++;
        return field(v, next.path);
      }
      return v;
    }
    if (tok.t === "field") return field(params, tok.path);
    if (tok.t === "lit") return tok.value;
    if (tok.t === "ident") throw new NotEvaluated(`function ${tok.name} used as a value`);
    throw new NotEvaluated(`unexpected ${tok.t}`);
  };

  const command = (piped: { value: unknown } | undefined): unknown => {
    const tok = peek();
    if (tok?.t === "ident") {
      pos++;
      const fn = FUNCS[tok.name];
      if (!fn) throw new NotEvaluated(`function ${tok.name} is not evaluated`);
      const args: unknown[] = [];
      while (pos < tokens.length && peek()?.t !== "|" && peek()?.t !== ")") args.push(operand());
      if (piped) args.push(piped.value);
      return fn(args);
    }
    if (piped) throw new NotEvaluated("cannot pipe into a value");
    return operand();
  };

  const pipeline = (): unknown => {
    let value = command(undefined);
    while (peek()?.t === "|") {
      pos++;
      value = command({ value });
    }
    return value;
  };

  const value = pipeline();
  if (pos !== tokens.length) throw new NotEvaluated("trailing tokens");
  return value;
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
      let value: unknown;
      try {
        value = /^(if|else|end|range|with|define|template|block|break|continue)\b/.test(body) ? undefined : evalGoAction(body, params);
      } catch (e) {
        if (!(e instanceof NotEvaluated)) throw e;
        value = undefined;
      }
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
