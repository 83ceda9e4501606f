import { isRecord } from "../../yaml";

// Fields whose list items merge by a key instead of being replaced (the subset of Kubernetes'
// patchMergeKey annotations that matters for release fields and for not losing sibling entries).
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  imagePullSecrets: "name",
  ports: "containerPort",
  volumeMounts: "mountPath",
};

const DELETE = Symbol("delete");

/**
 * Apply a strategic-merge patch to a plain object, returning the merged value. Handles `null` deletion,
 * `$patch: replace|delete`, and list merging by the Kubernetes merge keys above.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  const merged = mergeValue(target, patch, undefined);
  return merged === DELETE ? undefined : merged;
}

function mergeValue(target: unknown, patch: unknown, key: string | undefined): unknown {
  if (isRecord(patch)) {
    const directive = patch.$patch;
    if (directive === "delete") return DELETE;
    if (directive === "replace") return stripDirectives(patch);
    if (!isRecord(target)) return stripDirectives(patch);
    const out: Record<string, unknown> = { ...target };
    for (const [k, v] of Object.entries(patch)) {
      if (k.startsWith("$")) continue;
      if (v === null) {
        delete out[k];
        continue;
      }
      const merged = mergeValue(out[k], v, k);
      if (merged === DELETE) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(patch) && Array.isArray(target) && key !== undefined) {
    const mergeKey = MERGE_KEYS[key] ?? (patch.every((p) => isRecord(p) && "name" in p) && target.every((t) => isRecord(t) && "name" in t) ? "name" : undefined);
    if (mergeKey) return mergeList(target, patch, mergeKey);
  }
  if (Array.isArray(patch)) return patch.filter((p) => !(isRecord(p) && p.$patch === "delete")).map(stripDirectives);
  return patch;
}

function mergeList(target: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  if (patch.some((p) => isRecord(p) && p.$patch === "replace" && Object.keys(p).length === 1)) {
    return patch.filter((p) => !(isRecord(p) && p.$patch === "replace")).map(stripDirectives);
  }
  const out = [...target];
  for (const item of patch) {
    if (!isRecord(item) || !(mergeKey in item)) {
      out.push(item);
      continue;
    }
    const idx = out.findIndex((t) => isRecord(t) && t[mergeKey] === item[mergeKey]);
    if (idx < 0) {
      if (item.$patch !== "delete") out.push(stripDirectives(item));
      continue;
    }
    const merged = mergeValue(out[idx], item, undefined);
    if (merged === DELETE) out.splice(idx, 1);
    else out[idx] = merged;
  }
  return out;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "$patch" || k.startsWith("$setElementOrder") || k.startsWith("$retainKeys")) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}
