import { parseAllDocuments } from "yaml";
import type { Deployment } from "../model";
import { containerSlots } from "../read/kustomize/tracked-fields";

// The kustomize oracle's comparison, shared by the fixture test and the benchmark: the container
// images `kubectl kustomize` renders for an overlay against the ones the reader reports for it.

/** Container images in rendered manifests (a multi-document YAML stream), sorted and deduplicated. */
export function renderedImages(manifests: string): string[] {
  const images = new Set<string>();
  for (const doc of parseAllDocuments(manifests)) {
    for (const slot of containerSlots(doc.toJS())) if (typeof slot.container.image === "string") images.add(slot.container.image);
  }
  return [...images].sort();
}

/** Container images the reader reports for one env folder (all apps sharing it, for global envs), tag and digest joined. */
export function readerImages(deployments: Deployment[]): string[] {
  const images = new Set<string>();
  for (const d of deployments) {
    for (const v of d.versions) {
      if (v.kind !== "image" || !/ontainers\[|^images\[|\(inline patch\)/.test(v.field)) continue;
      const tag = v.digest !== undefined && v.value === v.digest ? null : v.value;
      images.add(`${v.name}${tag ? `:${tag}` : ""}${v.digest ? `@${v.digest}` : ""}`);
    }
  }
  return [...images].sort();
}
