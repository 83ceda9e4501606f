import { getAtPath, isRecord } from "../yaml";
import type { ParamSet } from "./argocd-generators";
import { sanitizeName, type TemplateSyntax } from "./argocd-template";

/** More folders than this matching a template path is not a folder per cluster. */
const MAX_INFERRED = 200;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface InferredClusters {
  params: ParamSet[];
  /** The template path the folders matched, for the note. */
  pattern: string;
}

/**
 * An ApplicationSet whose only generator lists clusters, in a repository that declares no cluster secret,
 * usually keeps one folder per cluster (`clusters/{{name}}/apps`, `envs/{{metadata.labels.env}}`). Those
 * folders say which clusters it deploys to: each folder matching the template's source path is one
 * parameter set, its placeholders filled from the folder names. Placeholders with pipelines or functions
 * are not guessed at. The caller says in a note that the clusters were inferred.
 */
export function clustersFromFolders(spec: Record<string, unknown>, dirs: readonly string[], syntax: TemplateSyntax): InferredClusters | undefined {
  const generators = Array.isArray(spec.generators) ? spec.generators : [];
  if (generators.length !== 1 || !isRecord(generators[0]) || Object.keys(generators[0]).filter((k) => k !== "selector").join() !== "clusters") return undefined;
  const template = isRecord(spec.template) ? spec.template : undefined;
  const sources = [getAtPath(template, ["spec", "source"]), ...((getAtPath(template, ["spec", "sources"]) as unknown[] | undefined) ?? [])];
  const pattern = sources.map((s) => (isRecord(s) && typeof s.path === "string" ? s.path : undefined)).find((p) => p?.includes("{{"));
  if (!pattern) return undefined;
  const keys: string[] = [];
  let regex = "^";
  let last = 0;
  const path = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  for (const m of path.matchAll(PLACEHOLDER)) {
    const expr = (m[1] ?? "").replace(/^\./, "");
    if (!/^[A-Za-z_][\w.-]*$/.test(expr)) return undefined;
    regex += escape(path.slice(last, m.index)) + "([^/]+)";
    keys.push(expr);
    last = (m.index ?? 0) + m[0].length;
  }
  regex += `${escape(path.slice(last))}$`;
  const re = new RegExp(regex);
  const params: ParamSet[] = [];
  for (const dir of dirs) {
    const m = re.exec(dir);
    if (!m) continue;
    const values = new Map<string, string>();
    let consistent = true;
    keys.forEach((k, i) => {
      const v = m[i + 1] ?? "";
      if (values.has(k) && values.get(k) !== v) consistent = false;
      values.set(k, v);
    });
    if (!consistent) continue;
    // A template named after the cluster needs its name: the folder that stands for the cluster gives it.
    if (!values.has("name")) values.set("name", values.values().next().value ?? "");
    values.set("nameNormalized", sanitizeName(values.get("name") ?? ""));
    params.push(toParams(values, syntax));
    if (params.length > MAX_INFERRED) return undefined;
  }
  return params.length > 0 ? { params, pattern } : undefined;
}

function toParams(values: Map<string, string>, syntax: TemplateSyntax): ParamSet {
  const out: ParamSet = {};
  for (const [key, value] of values) {
    if (syntax !== "go") {
      if (key !== "__proto__") out[key] = value;
      continue;
    }
    const parts = key.split(".");
    if (parts.includes("__proto__")) continue;
    let node: Record<string, unknown> = out;
    parts.slice(0, -1).forEach((p) => {
      const next = isRecord(node[p]) ? (node[p] as Record<string, unknown>) : {};
      node[p] = next;
      node = next;
    });
    node[parts[parts.length - 1] ?? ""] = value;
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
