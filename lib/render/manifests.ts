import { createTwoFilesPatch } from "diff";
import { isMap, isScalar, parseAllDocuments, stringify, type Document } from "yaml";

// What a rendered environment is made of, and how two renderings differ: pure (text in, data out), so
// the browser only ever receives what passed through here, Secret values already masked.

/** One object of a rendered stream, identified as kubectl would (kind/namespace/name). */
export interface RenderedResource {
  /** `Kind/namespace/name`, or `Kind/name` for an object without a namespace. */
  key: string;
  kind: string;
  namespace: string | null;
  name: string;
  /** The object as plain data; a Secret's values are still in here until maskSecrets. */
  object: Record<string, unknown>;
}

export interface ResourceDiff {
  key: string;
  kind: string;
  namespace: string | null;
  name: string;
  status: "added" | "removed" | "changed";
  /** Unified diff of the object's YAML (Secret values masked), headers named after the resource. */
  patch: string;
}

export interface RenderedDiff {
  changed: ResourceDiff[];
  /** Resources rendered the same before and after. */
  unchanged: number;
}

export class ManifestParseError extends Error {}

/** Keys of a Secret whose values are never shown; annotations can hold a copy of them (last-applied). */
const SECRET_VALUE_FIELDS = ["data", "stringData"] as const;
const SECRET_ANNOTATIONS = ["kubectl.kubernetes.io/last-applied-configuration"];
export const MASK = "(hidden)";
/** A changed value reads differently on each side, so the line shows as changed while neither value shows. */
export const MASK_CHANGED = { before: "(hidden, old value)", after: "(hidden, new value)" } as const;

/**
 * The objects of a multi-document YAML stream (kustomize's output). Empty documents are skipped; a
 * `List` is flattened into its items, as kubectl does. A document that does not parse is an error:
 * a renderer's output that does not parse is not something to guess about.
 */
export function parseRendered(text: string): RenderedResource[] {
  const out: RenderedResource[] = [];
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs)) throw new ManifestParseError("the rendered output is not YAML documents");
  docs.forEach((doc: Document, i) => {
    if (doc.errors.length > 0) throw new ManifestParseError(`document ${i + 1} of the rendered output does not parse: ${doc.errors[0]?.message ?? ""}`);
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    if (!isMap(doc.contents)) throw new ManifestParseError(`document ${i + 1} of the rendered output is not an object`);
    const value = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    const items = value.kind === "List" && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) if (isRecord(item)) out.push(resourceOf(item));
  });
  return out;
}

function resourceOf(object: Record<string, unknown>): RenderedResource {
  const kind = typeof object.kind === "string" ? object.kind : "(no kind)";
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : typeof metadata.generateName === "string" ? `${metadata.generateName}*` : "(no name)";
  const namespace = typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : null;
  return { key: resourceKey(kind, namespace, name), kind, namespace, name, object };
}

export function resourceKey(kind: string, namespace: string | null, name: string): string {
  return namespace === null ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

export function isSecret(object: Record<string, unknown>): boolean {
  return object.kind === "Secret" && (object.apiVersion === "v1" || object.apiVersion === undefined);
}

/**
 * A Secret's `data`/`stringData` values (and annotations that copy them) replaced by a mask. With the
 * other side of the comparison given, a key whose value differs there is masked as changed, so a
 * reviewer sees that a key changed, never what it was or became. Other objects come back as they are.
 */
export function maskSecret(object: Record<string, unknown>, other?: Record<string, unknown> | null, side: "before" | "after" = "after"): Record<string, unknown> {
  if (!isSecret(object)) return object;
  const masked: Record<string, unknown> = { ...object };
  for (const field of SECRET_VALUE_FIELDS) {
    const values = object[field];
    if (values === undefined || values === null) continue;
    if (!isRecord(values)) {
      masked[field] = MASK;
      continue;
    }
    const theirs = other && isSecret(other) && isRecord(other[field]) ? other[field] : null;
    const out: Record<string, string> = {};
    for (const key of Object.keys(values)) {
      const changed = theirs !== null && key in theirs && !sameValue(theirs[key], values[key]);
      out[key] = changed ? MASK_CHANGED[side] : MASK;
    }
    masked[field] = out;
  }
  const metadata = isRecord(object.metadata) ? object.metadata : null;
  const annotations = metadata && isRecord(metadata.annotations) ? metadata.annotations : null;
  if (metadata && annotations && SECRET_ANNOTATIONS.some((a) => a in annotations)) {
    const kept: Record<string, unknown> = { ...annotations };
    for (const a of SECRET_ANNOTATIONS) if (a in kept) kept[a] = MASK;
    masked.metadata = { ...metadata, annotations: kept };
  }
  return masked;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The object as YAML for display: key order as rendered, long strings never folded. */
export function resourceYaml(object: Record<string, unknown>): string {
  return stringify(object, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * Per resource, what changes between two renderings of the same folder: added, removed or changed
 * objects with a unified diff of each (Secret values masked on both sides). Ordered by kind, namespace, name.
 */
export function diffRendered(before: readonly RenderedResource[], after: readonly RenderedResource[]): RenderedDiff {
  const was = byKey(before);
  const now = byKey(after);
  const keys = [...new Set([...was.keys(), ...now.keys()])];
  const changed: ResourceDiff[] = [];
  let unchanged = 0;
  for (const key of keys) {
    const a = was.get(key) ?? null;
    const b = now.get(key) ?? null;
    // Compared on the raw objects: a Secret whose only change is a value must still count as changed.
    if (a && b && sameValue(a.object, b.object)) {
      unchanged++;
      continue;
    }
    const left = a ? resourceYaml(maskSecret(a.object, b?.object, "before")) : "";
    const right = b ? resourceYaml(maskSecret(b.object, a?.object, "after")) : "";
    const r = (b ?? a) as RenderedResource;
    const status = a === null ? "added" : b === null ? "removed" : "changed";
    const patch = createTwoFilesPatch(a ? `a/${key}` : "/dev/null", b ? `b/${key}` : "/dev/null", left, right, undefined, undefined, { context: 3 }).replace(/^(---|\+\+\+) (.*?)\t?$/gm, "$1 $2").replace(/^=+\n/m, "");
    changed.push({ key, kind: r.kind, namespace: r.namespace, name: r.name, status, patch: patch.replace(/^Index: .*\n/, "") });
  }
  changed.sort((x, y) => x.kind.localeCompare(y.kind) || (x.namespace ?? "").localeCompare(y.namespace ?? "") || x.name.localeCompare(y.name));
  return { changed, unchanged };
}

/** Later duplicates of a key win, as they would when applied; kustomize itself refuses duplicates. */
function byKey(resources: readonly RenderedResource[]): Map<string, RenderedResource> {
  return new Map(resources.map((r) => [r.key, r] as const));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
