import { isRecord } from "../../yaml";
import type { BuiltResource } from "./built-resource";
import type { PatchTarget } from "./kustomization";

export interface ResourceId {
  apiVersion: string;
  kind: string;
  name: string;
  /** Name before any prefix/suffix: patches from upper layers still match it. */
  originalName: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

// Patch targets are few and compared against every resource of a build: compile each pattern once.
const compiled = new Map<string, RegExp | null>();

function anchored(pattern: string, value: string): boolean {
  if (pattern === value) return true;
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re !== null && re.test(value);
}

function matchesSelector(selector: string, labels: Record<string, string>): boolean {
  return selector
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .every((term) => {
      const neq = /^([^!=]+)!=(.*)$/.exec(term);
      if (neq) return labels[neq[1]!.trim()] !== neq[2]!.trim();
      const eq = /^([^=]+)==?(.*)$/.exec(term);
      if (eq) return labels[eq[1]!.trim()] === eq[2]!.trim();
      return term in labels;
    });
}

const LITERAL = /^[\w-]*$/;

/**
 * A cheap first look before `resourceId`: a target whose kind or name is a plain word cannot match a
 * resource with another kind or name. Builds compare every patch with every resource.
 */
export function cannotMatch(target: PatchTarget, r: Pick<BuiltResource, "obj" | "originalName" | "builtName">): boolean {
  const { obj } = r;
  if (target.kind !== undefined && LITERAL.test(target.kind) && target.kind !== obj.kind) return true;
  if (target.name !== undefined && LITERAL.test(target.name)) {
    const name = isRecord(obj.metadata) ? obj.metadata.name : undefined;
    if (target.name !== name && target.name !== r.originalName && target.name !== r.builtName) return true;
  }
  return false;
}

/** What a patch target is compared with: the name the build gave (kustomize's current id), and the written one. */
export function builtId(r: Pick<BuiltResource, "obj" | "originalName" | "builtName">): ResourceId {
  const id = resourceId(r.obj, r.originalName);
  return r.builtName === undefined ? id : { ...id, name: r.builtName };
}

export function matchesTarget(id: ResourceId, target: PatchTarget): boolean {
  const [group, version] = id.apiVersion.includes("/") ? id.apiVersion.split("/", 2) : ["", id.apiVersion];
  if (target.kind !== undefined && !anchored(target.kind, id.kind)) return false;
  if (target.name !== undefined && !anchored(target.name, id.name) && !anchored(target.name, id.originalName)) return false;
  if (target.namespace !== undefined && id.namespace !== undefined && !anchored(target.namespace, id.namespace)) return false;
  if (target.group !== undefined && !anchored(target.group, group ?? "")) return false;
  if (target.version !== undefined && !anchored(target.version, version ?? "")) return false;
  if (target.labelSelector !== undefined && !matchesSelector(target.labelSelector, id.labels)) return false;
  if (target.annotationSelector !== undefined && !matchesSelector(target.annotationSelector, id.annotations)) return false;
  return true;
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

export function resourceId(obj: Record<string, unknown>, originalName?: string): ResourceId {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === "string" ? meta.name : "";
  return {
    apiVersion: typeof obj.apiVersion === "string" ? obj.apiVersion : "",
    kind: typeof obj.kind === "string" ? obj.kind : "",
    name,
    originalName: originalName ?? name,
    namespace: typeof meta.namespace === "string" ? meta.namespace : undefined,
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
  };
}
