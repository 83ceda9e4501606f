import { formatPath, isRecord, type YamlPath } from "../../yaml";
import { imagesInValues } from "../values-images";

/**
 * Release fields Ferry follows through a kustomize build. `key` is stable across files (containers are
 * named, not indexed) so a patch that sets `containers[name=web].image` overrides the base's field even
 * when the container sits at another index; it also serves as the readable `field`.
 */
export interface TrackedField {
  key: string;
  path: YamlPath;
  value: unknown;
}

const CONTAINER_LISTS = new Set(["containers", "initContainers", "ephemeralContainers"]);
const MAX_DEPTH = 40;

export interface ContainerSlot {
  /** Machine path of the container's `image`. */
  path: YamlPath;
  key: string;
  container: Record<string, unknown>;
}

// Subtrees that never hold pod specs: skipping them keeps the walk cheap on big ConfigMaps.
const SKIP_KEYS = new Set(["metadata", "data", "stringData", "binaryData", "status"]);

function humanPath(path: YamlPath): string {
  let out = "";
  for (const step of path) out += typeof step === "number" ? `[${step}]` : out === "" ? step : `.${step}`;
  return out;
}

/** Every container (at any depth, like kustomize's image transformer), keyed by container name. */
export function containerSlots(root: unknown): ContainerSlot[] {
  const out: ContainerSlot[] = [];
  const path: YamlPath = [];
  const walk = (node: unknown, depth: number) => {
    if (depth > MAX_DEPTH || typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item !== "object" || item === null) continue;
        path.push(i);
        walk(item, depth + 1);
        path.pop();
      }
      return;
    }
    for (const k in node) {
      const v = (node as Record<string, unknown>)[k];
      if (typeof v !== "object" || v === null || (depth === 0 && SKIP_KEYS.has(k))) continue;
      if (CONTAINER_LISTS.has(k) && Array.isArray(v)) {
        const prefix = humanPath([...path, k]);
        v.forEach((c: unknown, i) => {
          if (!isRecord(c)) return;
          const sel = typeof c.name === "string" ? `[name=${c.name}]` : `[${i}]`;
          out.push({ path: [...path, k, i, "image"], key: `${prefix}${sel}.image`, container: c });
        });
      } else {
        path.push(k);
        walk(v, depth + 1);
        path.pop();
      }
    }
  };
  walk(root, 0);
  return out;
}

function scalarAt(root: Record<string, unknown>, path: YamlPath): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const step of path) {
    if (!isRecord(cur) || !(String(step) in cur)) return { found: false, value: undefined };
    cur = cur[String(step)];
  }
  return { found: true, value: cur };
}

const KIND_FIELDS: Record<string, YamlPath[]> = {
  HelmRelease: [
    ["spec", "chart", "spec", "version"],
    ["spec", "values", "image", "tag"],
  ],
  GitRepository: [
    ["spec", "ref", "tag"],
    ["spec", "ref", "semver"],
    ["spec", "ref", "commit"],
    ["spec", "ref", "name"],
    ["spec", "ref", "branch"],
  ],
  OCIRepository: [
    ["spec", "ref", "tag"],
    ["spec", "ref", "semver"],
    ["spec", "ref", "digest"],
  ],
};

/** Tracked fields present in `doc` (a resource or a patch document). */
export function trackedFields(doc: unknown): TrackedField[] {
  if (!isRecord(doc)) return [];
  const out: TrackedField[] = containerSlots(doc)
    .filter((s) => "image" in s.container)
    .map((s) => ({ key: s.key, path: s.path, value: s.container.image }));
  const kind = typeof doc.kind === "string" ? doc.kind : "";
  for (const path of KIND_FIELDS[kind] ?? []) {
    const hit = scalarAt(doc, path);
    if (hit.found) out.push({ key: formatPath(path), path, value: hit.value });
  }
  // Every image the release's values set (the reader's own rule, values-images.ts), so that an overlay's
  // patch setting `spec.values.sidecar.image` is where that image lives, not the base it patches.
  const values = isRecord(doc.spec) ? doc.spec.values : undefined;
  if (kind === "HelmRelease" && isRecord(values)) {
    for (const image of imagesInValues(values)) {
      const path: YamlPath = ["spec", "values", ...image.path];
      const key = formatPath(path);
      if (key === "spec.values.image.tag") continue;
      const hit = scalarAt(doc, path);
      if (hit.found) out.push({ key, path, value: hit.value });
    }
  }
  return out;
}
