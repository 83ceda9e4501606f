import { formatImageRef, parseImageRef } from "../../image-ref";
import { ownObject, type BuiltResource, type FieldLocation, type UnbuiltImage } from "./built-resource";
import type { Kustomization } from "./kustomization";
import { containerSlots } from "./tracked-fields";

/**
 * Kustomize's `images:` transformer: rewrite every container image whose name matches an entry.
 * A `newTag`/`digest` moves the tag's origin to the kustomization entry; `newName` alone leaves the
 * tag where it was (the base), which is what a promotion must then edit.
 */
export function applyImages(k: Kustomization, resources: BuiltResource[]): Set<number> {
  const matched = new Set<number>();
  if (k.images.length === 0) return matched;
  const entryFor = (image: unknown) => (typeof image === "string" ? k.images.find((e) => imageMatches(image, e.name)) : undefined);
  for (const res of resources) {
    const slots = rewrittenSlots(res.obj);
    if (!slots.some((s) => entryFor(s.container.image))) continue;
    ownObject(res);
    for (const slot of rewrittenSlots(res.obj)) {
      const image = slot.container.image;
      if (typeof image !== "string") continue;
      const entry = entryFor(image);
      if (!entry) continue;
      matched.add(entry.index);
      const ref = parseImageRef(image);
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
        res.prov.set(slot.key, entryLocation(k, entry, prop));
      }
    }
  }
  return matched;
}

type ImageEntry = Kustomization["images"][number];

function entryLocation(k: Kustomization, entry: ImageEntry, prop: "newTag" | "digest"): FieldLocation {
  return { file: k.file, doc: k.origin?.doc ?? 0, path: [...(k.origin?.path ?? []), "images", entry.index, prop], field: `images[name=${entry.name}].${prop}` };
}

/**
 * The entries of `k` that set a tag or digest and rewrote no built resource, folded into `unbuilt` (those
 * of the layers below): an entry naming an image a lower entry set is applied to it, as kustomize applies
 * the outer `images:` to what the inner one wrote.
 */
export function addUnbuiltImages(k: Kustomization, matched: ReadonlySet<number>, unbuilt: UnbuiltImage[]): void {
  for (const entry of k.images) {
    if (matched.has(entry.index) || (!entry.newTag && !entry.digest)) continue;
    const prop = entry.newTag ? "newTag" : "digest";
    const below = unbuilt.findIndex((u) => imageMatches(u.tag ? `${u.name}:${u.tag}` : u.name, entry.name));
    const image: UnbuiltImage = { name: entry.newName || (below >= 0 ? unbuilt[below]!.name : parseImageRef(entry.name).name), tag: entry.newTag ?? null, digest: entry.digest ?? null, location: entryLocation(k, entry, prop) };
    if (below >= 0) unbuilt[below] = image;
    else unbuilt.push(image);
  }
}

/**
 * The containers kustomize's images transformer rewrites: `containers` and `initContainers` at any depth;
 * `ephemeralContainers` are left as written (kubectl kustomize v5.5), so a debug container's image is
 * never an `images:` entry's.
 */
function rewrittenSlots(obj: unknown) {
  return containerSlots(obj).filter((s) => s.path[s.path.length - 3] !== "ephemeralContainers");
}

/**
 * Kustomize's match (`image.IsImageMatched`): the image is the entry's name, optionally followed by a tag and/or
 * digest. The name may itself carry a tag (`app:latest`, `nginx:1.24`), which then selects only images with that tag;
 * CI scripts and overlays write it that way, and kustomize rewrites those images like any other.
 */
export function imageMatches(image: string, name: string): boolean {
  if (!name) return false;
  const trimmed = image.trim();
  if (!trimmed.startsWith(name)) return false;
  return /^(@sha256)?(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9]*)?$/.test(trimmed.slice(name.length));
}
