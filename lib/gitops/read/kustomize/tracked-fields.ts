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

// Policy engines describe the containers they admit or reject; those containers are never run.
const POLICY_GROUP = /(^|\.)(kyverno\.io|gatekeeper\.sh|kubewarden\.io)$/;
// Kyverno's and Gatekeeper's match/validate keys: containers below them are patterns to compare with.
const POLICY_KEYS = new Set(["pattern", "anyPattern", "deny", "match", "exclude", "preconditions"]);
// Glob, negation and alternation (`*:*`, `!*:latest`, `a | b`, `?(…)`) never occur in an image reference.
// `$(VAR)` is kustomize's var syntax and `{{ … }}` a template the cell reports as unevaluated: both are kept.
const IMAGE_PATTERN = /[*?!|]|(^|[^$])\(/;

/** An image string that is a pattern to match images with, not an image to run. */
export function isImagePattern(image: string): boolean {
  return !image.includes("{{") && IMAGE_PATTERN.test(image);
}

function isPolicyResource(obj: Record<string, unknown>): boolean {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const slash = apiVersion.indexOf("/");
  return slash > 0 && POLICY_GROUP.test(apiVersion.slice(0, slash));
}

/**
 * Containers that deploy their image: every container slot (any kind carries pod templates: Rollouts,
 * Knative Services, ScaledJobs…) except a policy engine's resources, containers under a policy's
 * match/validate keys, and images that are patterns.
 */
export function deployedContainerSlots(obj: Record<string, unknown>): ContainerSlot[] {
  if (isPolicyResource(obj)) return [];
  return containerSlots(obj).filter((s) => {
    if (s.path.some((step) => typeof step === "string" && POLICY_KEYS.has(step))) return false;
    return !(typeof s.container.image === "string" && isImagePattern(s.container.image));
  });
}

// Groups whose `spec.image` names an image to watch or scan (Flux's ImageRepository), not one to run.
const IMAGE_WATCHING_GROUP = /(^|\.)image\.toolkit\.fluxcd\.io$/;
// `[host[:port]/]path[:tag][@digest]`, lower-case as registries require, with a host, a path or a tag:
// a bare word (`ubuntu-2204`, a VM template's image name) is too ambiguous to take for a container image.
const IMAGE_NAME = String.raw`(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*`;
const IMAGE_REFERENCE = new RegExp(String.raw`^(?=.*[/:@])${IMAGE_NAME}(?::\w[\w.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,})?$`);

/**
 * The image of an operator's custom resource (`spec.image` of a Prometheus, Alertmanager, GrafanaAgent,
 * Elasticsearch…): the operator runs it as given, so it is the deployed version. A custom resource is one
 * whose API group holds a dot and is not one of Kubernetes' own (`*.k8s.io`); policy engines and image
 * scanners name images they do not run. `spec.version` beside it is not combined: the Prometheus operator
 * uses `spec.image` as written and takes `spec.version` only as the tag of its own default image, which the
 * repository does not show.
 */
export function customResourceImageSlot(obj: Record<string, unknown>): TrackedField | undefined {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const slash = apiVersion.indexOf("/");
  const group = slash > 0 ? apiVersion.slice(0, slash) : "";
  if (!group.includes(".") || group.endsWith(".k8s.io") || isPolicyResource(obj) || IMAGE_WATCHING_GROUP.test(group)) return undefined;
  const image = isRecord(obj.spec) ? obj.spec.image : undefined;
  if (typeof image !== "string" || !(IMAGE_REFERENCE.test(image.trim()) || image.includes("{{")) || isImagePattern(image)) return undefined;
  return { key: "spec.image", path: ["spec", "image"], value: image };
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
  const crImage = customResourceImageSlot(doc);
  if (crImage) out.push(crImage);
  const kind = typeof doc.kind === "string" ? doc.kind : "";
  for (const path of KIND_FIELDS[kind] ?? []) {
    const hit = scalarAt(doc, path);
    if (hit.found) out.push({ key: formatPath(path), path, value: hit.value });
  }
  // Every image the release's values set (the reader's own rule, values-images.ts), so that an overlay's
  // patch setting `spec.values.sidecar.image` is where that image lives, not the base it patches.
  if (kind === "HelmRelease") out.push(...valuesImageFields(doc, doc));
  return out;
}

/** The fields of the images in `release`'s values (but `image.tag`, a KIND_FIELDS one) that `doc` sets. */
function valuesImageFields(release: Record<string, unknown>, doc: Record<string, unknown>): TrackedField[] {
  const values = isRecord(release.spec) ? release.spec.values : undefined;
  if (!isRecord(values)) return [];
  const out: TrackedField[] = [];
  for (const image of imagesInValues(values)) {
    const path: YamlPath = ["spec", "values", ...image.path];
    const key = formatPath(path);
    if (key === "spec.values.image.tag") continue;
    const hit = scalarAt(doc, path);
    if (hit.found) out.push({ key, path, value: hit.value });
  }
  return out;
}

/**
 * Tracked fields a strategic-merge `patch` sets in `merged` (the resource it patched): its own, and the
 * values images only the merged release shows as images (`redis.tag` patched over the base's
 * `redis: {repository, tag}`: the patch alone names no repository).
 */
export function trackedPatchFields(patch: unknown, merged: unknown): TrackedField[] {
  const own = trackedFields(patch);
  if (!isRecord(patch) || !isRecord(merged) || merged.kind !== "HelmRelease") return own;
  const keys = new Set(own.map((f) => f.key));
  return [...own, ...valuesImageFields(merged, patch).filter((f) => !keys.has(f.key))];
}
