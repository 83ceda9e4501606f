type Path = readonly (string | number)[];

/** The two environments of a folder promotion: values naming the source's belong to it, never copied. */
export interface EnvNames {
  source: string;
  target: string;
}

const INSTANCE_LABEL = "app.kubernetes.io/instance";
/** Path steps under which a value identifies the object or its instance (names, namespaces, labels, selectors). */
const IDENTITY_STEPS = new Set(["metadata", "labels", "matchLabels", "selector", "commonLabels", "commonAnnotations", "annotations", "pairs"]);
const LABEL_STEPS = new Set(["labels", "matchLabels", "commonLabels", "pairs"]);
/** Keys whose value is a name or a namespace wherever they sit (references to other objects included). */
const NAME_KEYS = new Set(["name", "namespace", "generateName", "releaseName", "targetNamespace", "storageNamespace", "serviceAccountName"]);

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `value` names environment `env` as a whole word (`shop-dev`, `dev.acme.io`, `dev`), not inside another (`device`). */
export function namesEnv(value: string, env: string): boolean {
  if (env === "") return false;
  return new RegExp(`(^|[^a-z0-9])${escape(env)}([^a-z0-9]|$)`, "i").test(value);
}

/**
 * Why the source value at `path` identifies the source instance rather than the release, or null. Folder
 * promotion keeps the target's value for these (issue #14: a dev instance label was copied into staging):
 * the `app.kubernetes.io/instance` label anywhere, any value that is the source env's name, and names,
 * namespaces, labels and annotations that contain it.
 */
export function instanceReason(path: Path, sourceValue: unknown, envs: EnvNames | undefined): string | null {
  const key = path[path.length - 1];
  if (typeof key !== "string") return null;
  if (key === INSTANCE_LABEL) return "instance label";
  if (!envs || typeof sourceValue !== "string") return null;
  const label = path.some((p) => typeof p === "string" && LABEL_STEPS.has(p));
  if (sourceValue.trim().toLowerCase() === envs.source.toLowerCase()) return label ? `env label: names ${envs.source}` : `names ${envs.source}`;
  const identity = NAME_KEYS.has(key) || path.some((p) => typeof p === "string" && IDENTITY_STEPS.has(p));
  if (identity && namesEnv(sourceValue, envs.source)) return label ? `env label: names ${envs.source}` : `names ${envs.source}`;
  return null;
}

/** An object's name with its environment's name masked, so `shop-flags-dev` and `shop-flags-staging` are one object. */
export function maskEnv(name: string, env: string | undefined): string {
  if (!env) return name;
  return name.replace(new RegExp(`(^|[^a-z0-9])${escape(env)}(?=[^a-z0-9]|$)`, "gi"), "$1\u0000env");
}
