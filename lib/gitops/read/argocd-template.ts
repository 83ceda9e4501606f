import { isRecord } from "../yaml";
import { basename } from "./paths";

export type TemplateParams = Record<string, unknown>;

/** Parameters of one git generator match, in both fasttemplate (`path.basename`) and Go (`.path.basename`) style. */
export function pathParams(dir: string, file?: string): TemplateParams {
  const segs = dir === "" ? [] : dir.split("/");
  return {
    path: { path: dir, basename: basename(dir), basenameNormalized: basename(dir).replace(/[^a-zA-Z0-9-]/g, "-").toLowerCase(), filename: file ? basename(file) : undefined, segments: segs },
  };
}

/** Flatten a files-generator document into dotted keys, as Argo CD does for fasttemplate. */
export function flattenParams(value: unknown, prefix = "", out: TemplateParams = {}): TemplateParams {
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    out[key] = v;
    if (isRecord(v)) flattenParams(v, key, out);
  }
  return out;
}

function lookup(params: TemplateParams, expr: string): unknown {
  const direct = params[expr];
  if (direct !== undefined) return isRecord(direct) && typeof direct.path === "string" ? direct.path : direct;
  const idx = /^path\[(\d+)\]$/.exec(expr);
  if (idx) return (lookup(params, "path.segments") as unknown[] | undefined)?.[Number(idx[1])];
  let cur: unknown = params;
  for (const step of expr.split(".")) {
    if (!isRecord(cur)) return undefined;
    cur = cur[step];
  }
  // fasttemplate `{{path}}` means the directory, Go `{{.path}}` is the object: prefer the string.
  if (isRecord(cur) && typeof cur.path === "string") return cur.path;
  return cur;
}

/** Render `{{ … }}` in an ApplicationSet template string; `unresolved` lists what could not be evaluated. */
export function renderTemplateString(text: string, params: TemplateParams, unresolved: string[]): string {
  return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (whole, rawExpr: string) => {
    let expr = rawExpr.trim();
    const index = /^index\s+\.?([\w.]+)\s+(\d+)$/.exec(expr);
    let value: unknown;
    if (index?.[1] && index[2]) {
      const list = lookup(params, index[1]);
      value = Array.isArray(list) ? list[Number(index[2])] : undefined;
    } else {
      expr = expr.replace(/^\./, "");
      value = /^[\w.[\]-]+$/.test(expr) ? lookup(params, expr) : undefined;
    }
    if (value === undefined || value === null || typeof value === "object") {
      unresolved.push(whole);
      return whole;
    }
    return String(value);
  });
}

export function renderTemplate(value: unknown, params: TemplateParams, unresolved: string[]): unknown {
  if (typeof value === "string") return renderTemplateString(value, params, unresolved);
  if (Array.isArray(value)) return value.map((v) => renderTemplate(v, params, unresolved));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderTemplate(v, params, unresolved);
    return out;
  }
  return value;
}
