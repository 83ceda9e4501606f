import { isRecord } from "../../yaml";
import type { BuiltResource } from "./built-resource";
import type { Kustomization } from "./kustomization";

/** Kinds kustomize's prefix/suffix transformer leaves their names (cluster-wide names others refer to). */
const KEEP_NAME = new Set(["CustomResourceDefinition", "APIService", "Namespace"]);

/**
 * Kustomize's `namePrefix`/`nameSuffix`, `commonLabels`/`labels` and `commonAnnotations`, as far as patch
 * targets see them: an overlay's patch may select a base's resources by the prefixed name or by the labels
 * the base added. Labels and annotations are written into the object's metadata (copy-on-write); the new
 * name is kept beside it (see `BuiltResource.builtName`).
 */
export function applyNamesAndLabels(k: Kustomization, resources: BuiltResource[]): void {
  const prefix = k.namePrefix ?? "";
  const suffix = k.nameSuffix ?? "";
  const labels = k.labels ?? {};
  const annotations = k.annotations ?? {};
  const relabel = Object.keys(labels).length > 0 || Object.keys(annotations).length > 0;
  if (prefix === "" && suffix === "" && !relabel) return;
  for (const r of resources) {
    const meta = isRecord(r.obj.metadata) ? r.obj.metadata : {};
    if ((prefix !== "" || suffix !== "") && typeof r.obj.kind === "string" && !KEEP_NAME.has(r.obj.kind) && typeof meta.name === "string") {
      r.builtName = `${prefix}${r.builtName ?? meta.name}${suffix}`;
    }
    if (relabel) {
      r.obj = {
        ...r.obj,
        metadata: {
          ...meta,
          ...(Object.keys(labels).length > 0 ? { labels: { ...(isRecord(meta.labels) ? meta.labels : {}), ...labels } } : {}),
          ...(Object.keys(annotations).length > 0 ? { annotations: { ...(isRecord(meta.annotations) ? meta.annotations : {}), ...annotations } } : {}),
        },
      };
    }
  }
}
