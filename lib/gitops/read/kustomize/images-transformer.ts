import { formatImageRef, parseImageRef } from "../../image-ref";
import { ownObject, type BuiltResource } from "./built-resource";
import type { Kustomization } from "./kustomization";
import { containerSlots } from "./tracked-fields";

/**
 * Kustomize's `images:` transformer: rewrite every container image whose name matches an entry.
 * A `newTag`/`digest` moves the tag's origin to the kustomization entry; `newName` alone leaves the
 * tag where it was (the base), which is what a promotion must then edit.
 */
export function applyImages(k: Kustomization, resources: BuiltResource[]): void {
  if (k.images.length === 0) return;
  const matches = (image: unknown) => typeof image === "string" && k.images.some((e) => e.name === parseImageRef(image).name);
  for (const res of resources) {
    if (!containerSlots(res.obj).some((s) => matches(s.container.image))) continue;
    ownObject(res);
    for (const slot of containerSlots(res.obj)) {
      const image = slot.container.image;
      if (typeof image !== "string") continue;
      const ref = parseImageRef(image);
      const entry = k.images.find((e) => e.name === ref.name);
      if (!entry) continue;
      if (entry.newName) ref.name = entry.newName;
      if (entry.newTag && entry.digest) {
        ref.tag = entry.newTag;
        ref.digest = entry.digest;
      } else if (entry.newTag) {
        ref.tag = entry.newTag;
        ref.digest = null;
      } else if (entry.digest) {
        ref.tag = null;
        ref.digest = entry.digest;
      }
      slot.container.image = formatImageRef(ref);
      if (entry.newTag || entry.digest) {
        const prop = entry.newTag ? "newTag" : "digest";
        res.prov.set(slot.key, { file: k.file, doc: k.origin?.doc ?? 0, path: [...(k.origin?.path ?? []), "images", entry.index, prop], field: `images[name=${entry.name}].${prop}` });
      }
    }
  }
}
