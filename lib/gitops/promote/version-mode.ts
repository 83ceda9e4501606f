import { compareVersions } from "../drift";
import { appendToSequence, deleteKey, setEmbeddedYaml, setKey, setScalar, setSpan, spanValue, valueAt, type EditPath } from "../edit";
import type { Deployment, FileTree, Version } from "../model";
import { locationKey } from "../read/kustomize/built-resource";
import { isRemoteResource, splitRemote, withRemoteRef } from "../read/kustomize/kustomization";
import { EditBuffer } from "./edit-buffer";
import { formatImageRef, parseImageRef } from "../image-ref";
import { display, matchVersions, sameRelease, tagOf, type VersionPair } from "./match";
import { isUnder, kustomizationOf } from "./paths";
import { fixPinComments } from "./pin-comments";
import { imagesReach, type ImagesReach } from "./images-reach";
import { PromotionRefused, refuseEdit } from "./refusal";
import { valuesFileOwnedBy } from "./values-file-owner";
import type { FieldChange, SkippedFile } from "./types";

export interface FieldPlan {
  buffer: EditBuffer;
  fields: FieldChange[];
  /** Source fields that were not promoted, with why. */
  notPromoted: SkippedFile[];
  /** Fields where the target runs something newer than the source. */
  downgrades: FieldChange[];
  /** Pairs already equal. */
  unchanged: VersionPair[];
  /** Fields that would now follow a floating source value (`latest`, no tag, a range, a branch). */
  floating: FieldChange[];
  /** What a reviewer should know about digest pins: a pin replaced as chosen, a comment removed or rewritten. */
  notes: string[];
}

export interface FieldPlanOptions {
  /** Add source images the target lacks to its overlay (version mode), or leave them (folder mode). */
  addMissing: boolean;
  /** The user chose to replace a target's digest pin by the source's tag (the source has no digest). */
  allowReplaceDigestPin?: boolean;
  /** The source is the target at an older commit: its files are the target's own, not shared with another env. */
  rollback?: boolean;
}

/** The refusal for target fields pinned by digest whose source has no digest. */
export function pinRefusal(source: Deployment, target: Deployment, pairs: readonly VersionPair[]): PromotionRefused {
  const names = [...new Set(pairs.map((p) => p.target.name))].join(", ");
  const runs = [...new Set(pairs.map((p) => display(p.source) ?? "an unpinned version"))].join(", ");
  return new PromotionRefused(
    `${target.env} pins ${names} by digest; ${source.env} runs ${runs} without one — pin ${source.env} by digest first, or choose to replace the pin`,
    "allowReplaceDigestPin",
  );
}

/** The note for a pin replaced by the user's choice. */
export function pinReplacedNote(s: Version, t: Version, file: string): string {
  return `${file}: ${t.name} was pinned by digest (${t.digest ?? ""}); it now runs ${display(s) ?? "(none)"} by tag, without a digest, as chosen (allowReplaceDigestPin)`;
}

/**
 * After `t`'s field moved from its digest to `newDigest` (null: the pin was replaced), make the comments
 * around `nodePath` true again; returns notes for what changed.
 */
export function keepPinCommentsTrue(buffer: EditBuffer, file: string, doc: number, nodePath: EditPath, oldDigest: string, newDigest: string | null): string[] {
  const text = buffer.read(file);
  if (text === undefined || oldDigest === newDigest) return [];
  let fixed: ReturnType<typeof fixPinComments>;
  try {
    fixed = fixPinComments(text, doc, nodePath, oldDigest, newDigest);
  } catch (e) {
    refuseEdit(file, e);
  }
  if (fixed.changed.length === 0) return [];
  buffer.write(file, fixed.text);
  return fixed.changed.map((c) =>
    c.action === "removed" ? `${file}: removed the comment "${c.comment}", no longer true once the digest pin is replaced` : `${file}: the comment "${c.comment}" now names the promoted digest`,
  );
}

/**
 * The mapping holding a Helm values `tag` next to its own `digest:` key (`image: {repository, tag, digest}`), or
 * the one whose `digest:` pins the image alone (`image: {repository, digest}`).
 */
function digestSiblingOf(text: string, t: Version): EditPath | null {
  if (t.kind !== "image" || (t.path.at(-1) !== "tag" && !valuesDigestField(t))) return null;
  const parent = t.path.slice(0, -1);
  const map = valueAt(text, t.doc, parent);
  return typeof map === "object" && map !== null && !Array.isArray(map) && "digest" in map ? parent : null;
}

/** The node whose lines (and comments) belong to `t`'s release: its `images:` entry, its values `image` map, or the field. */
export function pinNodePath(text: string, t: Version): EditPath {
  return imagesEntry(t.path) ?? (valuesDigestField(t) ? t.path.slice(0, -1) : null) ?? digestSiblingOf(text, t) ?? t.path;
}

/**
 * Folder mode copies the source's tag into the target's text key by key; a `digest:` only the target had
 * would still pin the old image under the new tag. Remove it (the user chose to replace the pin).
 */
export function dropLeftoverDigest(buffer: EditBuffer, t: Version): void {
  const text = buffer.read(t.file);
  if (text === undefined) return;
  try {
    const holder = imagesEntry(t.path) ?? digestSiblingOf(text, t);
    if (holder && valueAt(text, t.doc, [...holder, "digest"]) !== undefined) buffer.write(t.file, deleteKey(text, t.doc, holder, "digest"));
  } catch (e) {
    refuseEdit(t.file, e);
  }
}

/** A values `tag:` holding `1.2@sha256:…` (the tag pinned by a digest) rather than a whole image reference. */
function holdsTagAtDigest(current: unknown, t: Version): current is string {
  if (t.kind !== "image" || typeof current !== "string" || imagesEntry(t.path) || !current.includes("@")) return false;
  return t.path.at(-1) === "tag" || current === `${tagOf(t) ?? ""}@${t.digest ?? ""}`;
}

/** A Helm values `digest:` that pins an image with no tag beside it (values-images.ts locates it there). */
function valuesDigestField(t: Version): boolean {
  return t.kind === "image" && t.path.at(-1) === "digest" && !imagesEntry(t.path) && t.value !== null && t.value === t.digest;
}

/** `[..., "images", i, "newTag"|"digest"]`: a kustomize images entry. */
function imagesEntry(path: readonly (string | number)[]): EditPath | null {
  const n = path.length;
  if (n >= 3 && path[n - 3] === "images" && typeof path[n - 2] === "number" && (path[n - 1] === "newTag" || path[n - 1] === "digest")) {
    return path.slice(0, -1);
  }
  return null;
}

/**
 * Whether the target scalar holds a whole image reference (`image:` of a container, a JSON 6902 op's
 * `value`) rather than just the tag (`image.tag` in values): decided from the value itself, because the
 * path of a patch op does not say.
 */
function holdsImageRef(current: unknown, t: Version): current is string {
  if (t.kind !== "image" || typeof current !== "string" || imagesEntry(t.path) || holdsTagAtDigest(current, t)) return false;
  if (current === t.value || current === t.digest) return false;
  return /[:@/]/.test(current) || t.value === null;
}

/** A kustomize remote resource entry, whose version is the revision inside the URL. */
function holdsRemoteRef(current: unknown, t: Version): current is string {
  return t.kind === "git" && typeof current === "string" && isRemoteResource(current);
}

/** No kustomization in the target's folder: no `images:` to write, nothing it builds. */
const NO_BUILD: ImagesReach = { reaches: () => false, runs: () => false, builds: () => false, kinds: new Set() };

const readable = (v: Version) => (v.kind === "image" ? `${v.name}:${display(v) ?? "(untagged)"}` : `${v.name} ${display(v) ?? "(unpinned)"}`);

/**
 * Version promotion: set every target release field to the source's value, in place, file by file.
 * A field that lives in a file shared with other environments is not edited there: a kustomize overlay gets
 * an `images:` override instead; anything else is reported as not promoted.
 */
export function planVersionFields(
  tree: FileTree,
  source: Deployment,
  target: Deployment,
  buffer = new EditBuffer(tree),
  options: FieldPlanOptions = { addMissing: true },
): FieldPlan {
  const plan: FieldPlan = { buffer, fields: [], notPromoted: [], downgrades: [], unchanged: [], floating: [], notes: [] };
  const unpinning: VersionPair[] = [];
  const { pairs, unmatched } = matchVersions(source.versions, target.versions);
  const overlay = kustomizationOf(tree, target.path);
  // Shared means the very field the source reads: two environments' values in one file (a list
  // element each, a document each) are still two places.
  const sourceFields = new Set(options.rollback ? [] : source.versions.map(locationKey));
  let built: ImagesReach | undefined;
  const reach = () => (built ??= overlay === undefined ? NO_BUILD : imagesReach(tree, target.path));

  for (const pair of pairs) {
    const { source: s, target: t } = pair;
    if (sameRelease(s, t)) {
      plan.unchanged.push(pair);
      continue;
    }
    if (s.value === null && !s.digest) {
      plan.notPromoted.push({ path: t.file, reason: `${t.field}: ${source.env} pins no ${s.kind} version for ${s.name}; nothing to promote` });
      continue;
    }
    if (/\(inline patch\)/.test(t.field)) {
      plan.notPromoted.push({ path: t.file, reason: `${t.field}: the value sits inside an inline patch string; edit it by hand` });
      continue;
    }
    if (/\(rendered from ApplicationSet generator parameters\)/.test(t.field)) {
      // The file holds a `{{ }}` template shared by every generated app; the value comes from a
      // generator (a list element, a config file, a merge override), which is not one place per env.
      plan.notPromoted.push({
        path: t.file,
        reason: `${t.field}: ${target.env}'s value comes from the ApplicationSet's generator parameters, not from one field of its own; change the generator's value for ${target.env} by hand`,
      });
      continue;
    }
    const current = buffer.read(t.file);
    if (current === undefined) throw new PromotionRefused(`${t.file} no longer exists at the base commit; sync the repository and plan again`);
    if (/^sops:/m.test(current) || /ENC\[/.test(current)) {
      plan.notPromoted.push({ path: t.file, reason: `${t.field}: ${t.file} is SOPS-encrypted; an edit would break its MAC. Change it with sops` });
      continue;
    }
    checkNotStale(current, t);
    // A target pinned by digest stays pinned: the source's digest, or a refusal unless the user chose otherwise.
    if (t.digest && !s.digest) {
      unpinning.push(pair);
      if (!options.allowReplaceDigestPin) continue;
    }
    // The object that wires the target alone (its Argo CD Application, whose kustomize.images win over
    // the overlay) is the target's own, wherever it sits.
    const ownWiring = target.destination?.wiredBy === t.file && !source.files?.includes(t.file);
    const sourceReads = sourceFields.has(locationKey(t));
    const outside = overlay !== undefined && !isUnder(t.file, target.path) && !ownWiring;
    // A values file outside the env folder that only the env's own chart spec names is the env's, like its folder.
    const shared = sourceReads || (outside && (reach().builds(t.file) || !valuesFileOwnedBy(tree, t.file, target.path)));
    let change: FieldChange | null;
    if (shared) {
      if (t.kind !== "image" || overlay === undefined) {
        plan.notPromoted.push({
          path: t.file,
          reason: `${t.field} lives in ${t.file}, which ${source.env} uses too: editing it would change both environments. Override it in ${target.path} instead`,
        });
        continue;
      }
      if (!reach().reaches(t)) {
        plan.notPromoted.push({ path: t.file, reason: unreachableReason(t, source, target, overlay, sourceReads, reach()) });
        continue;
      }
      change = overrideInOverlay(buffer, overlay, imageNameAt(current, t), s, t);
    } else {
      change = editInPlace(buffer, current, s, t);
    }
    if (!change) continue;
    if (t.digest && t.digest !== s.digest && !t.embedded) {
      const nodePath = shared ? imagesEntryOf(buffer, change.file, imageNameAt(current, t)) : pinNodePath(buffer.read(t.file) ?? "", t);
      if (nodePath) plan.notes.push(...keepPinCommentsTrue(buffer, change.file, shared ? 0 : t.doc, nodePath, t.digest, s.digest ?? null));
      if (!s.digest) plan.notes.push(pinReplacedNote(s, t, change.file));
    }
    plan.fields.push(change);
    if (compareVersions([s], [t]).state === "ahead") plan.downgrades.push(change);
    if (s.floating) plan.floating.push(change);
    if (!shared) {
      const renamed = promoteNewName(buffer, s, t);
      if (renamed) plan.fields.push(renamed);
    }
  }

  if (unpinning.length > 0 && !options.allowReplaceDigestPin) throw pinRefusal(source, target, unpinning);

  for (const s of options.addMissing ? unmatched : []) {
    // An `images:` entry changes only images the build runs: for one it does not run, it would change nothing.
    if (s.kind === "image" && overlay !== undefined && reach().runs(s.name) && (s.value !== null || s.digest)) {
      const change = overrideInOverlay(buffer, overlay, s.name, s, null);
      if (change) plan.fields.push(change);
      if (change && s.floating) plan.floating.push(change);
      continue;
    }
    const why = s.kind === "image" && overlay !== undefined ? `: nothing ${target.path} builds runs ${s.name}, so an images: entry in ${overlay} would change nothing. Add what runs it to ${target.path} by hand (a folder promotion copies it)` : " and no natural place to add it; add it by hand";
    plan.notPromoted.push({ path: s.file, reason: `${readable(s)} (${s.field}) has no counterpart in ${target.env}${why}` });
  }
  return plan;
}

/**
 * Why an image field outside the target's folder cannot be promoted: editing it would move every
 * environment that reads it, and an `images:` override would change nothing (kustomize's transformer
 * rewrites containers' images in the resources it builds, not Helm values, values files or `spec.image`).
 */
function unreachableReason(t: Version, source: Deployment, target: Deployment, overlay: string, sourceReads: boolean, reach: ImagesReach): string {
  const readers = sourceReads ? `${source.env} reads it too` : `it lies outside ${target.path}, where other environments may read it`;
  const substituted = /\(Flux substitution for /.test(t.field);
  const why = t.embedded
    ? `${t.file} holds it in YAML written as a string, which kustomize does not parse`
    : substituted
      ? "it is a Flux postBuild variable, substituted after kustomize builds, and kustomize's images: does not match an image whose tag is written as ${…}"
      : !reach.builds(t.file)
        ? `kustomize does not build ${t.file}${reach.kinds.has("HelmRelease") ? ": Helm reads it as chart values" : ""}`
        : t.path.at(-1) === "image" && t.path.at(-2) === "spec"
          ? "kustomize's images: does not rewrite a custom resource's spec.image (unless configurations: declares it as an images field)"
          : `kustomize's images: rewrites the image of containers and initContainers, not ${t.field}`;
  const how = substituted
    ? `set the variable in a postBuild.substitute or ConfigMap of ${target.env}'s own`
    : reach.kinds.has("HelmRelease")
      ? `set it in ${target.path}: patch the HelmRelease's spec.values there (they override valuesFrom and the chart's values files), or name a values file of ${target.env}'s own in its valuesFiles`
      : `set it with a patch in ${target.path}`;
  return `${t.field} (${readable(t)}) is set in ${t.file}, and ${readers}: editing it there would change them as well. An images: override in ${overlay} would not change it, because ${why}. To promote ${target.env} alone, ${how}`;
}

/** The model was read at some commit; the base may have moved since. Editing a value we did not see would be a silent overwrite. */
function checkNotStale(text: string, t: Version): void {
  if (t.span) {
    const seen = spanValue(text, t.span);
    if (seen !== t.value) throw new PromotionRefused(`${t.file}: ${t.field} is ${seen ?? "no longer one value"} at the base commit, not ${t.value ?? "empty"} as last read; sync and plan again`);
    return;
  }
  if (t.embedded) return checkNotStale(embeddedText(text, t), { ...t, doc: 0, path: t.embedded, embedded: undefined });
  let actual: unknown;
  try {
    actual = valueAt(text, t.doc, t.path);
  } catch (e) {
    refuseEdit(t.file, e);
  }
  if (actual === undefined) throw new PromotionRefused(`${t.file}: ${t.field} no longer exists; sync the repository and plan again`);
  if (holdsRemoteRef(actual, t)) {
    const seen = splitRemote(actual).ref;
    if (seen !== t.value) throw new PromotionRefused(`${t.file}: ${t.field} is pinned to ${seen ?? "nothing"} at the base commit, not ${t.value ?? "nothing"} as last read; sync and plan again`);
    return;
  }
  if (holdsTagAtDigest(actual, t)) {
    const at = actual.indexOf("@");
    const seenTag = actual.slice(0, at) || null;
    const seenDigest = actual.slice(at + 1) || null;
    if (seenTag !== tagOf(t) || seenDigest !== (t.digest ?? null)) {
      throw new PromotionRefused(`${t.file}: ${t.field} is ${actual} at the base commit, not ${display(t) ?? "empty"} as last read; sync and plan again`);
    }
    return;
  }
  const expected = holdsImageRef(actual, t) ? parseImageRef(actual) : null;
  const seen = expected ? { value: expected.tag, digest: expected.digest } : { value: actual === null ? null : String(actual), digest: null };
  const matches = expected ? seen.value === t.value && (seen.digest ?? null) === (t.digest ?? null) : seen.value === t.value || seen.value === (t.digest ?? undefined);
  if (!matches) {
    throw new PromotionRefused(`${t.file}: ${t.field} is ${display(seen) ?? "empty"} at the base commit, not ${display(t) ?? "empty"} as last read; sync and plan again`);
  }
}

function imageNameAt(text: string, t: Version): string {
  const image = valueAt(text, t.doc, t.path);
  return holdsImageRef(image, t) ? parseImageRef(image).name : t.name;
}

function change(s: Version, t: Version | null, file: string, field: string): FieldChange {
  return { kind: s.kind, name: s.name, file, field, from: t ? display(t) : null, to: display(s) };
}

function editInPlace(buffer: EditBuffer, text: string, s: Version, t: Version): FieldChange | null {
  buffer.write(t.file, t.embedded ? editedEmbedded(text, s, t, t.embedded) : editedText(text, s, t));
  return change(s, t, t.file, t.field);
}

/** The YAML string the field sits in, edited as a file of its own and spliced back (edit/embedded-yaml.ts). */
function editedEmbedded(text: string, s: Version, t: Version, inner: (string | number)[]): string {
  const holder = embeddedText(text, t);
  const next = editedText(holder, s, { ...t, doc: 0, path: inner });
  try {
    return setEmbeddedYaml(text, t.doc, t.path, holder, next);
  } catch (e) {
    refuseEdit(t.file, e);
  }
}

function embeddedText(text: string, t: Version): string {
  let holder: unknown;
  try {
    holder = valueAt(text, t.doc, t.path);
  } catch (e) {
    refuseEdit(t.file, e);
  }
  if (typeof holder !== "string") throw new PromotionRefused(`${t.file}: ${t.field} no longer holds YAML in a string; sync the repository and plan again`);
  return holder;
}

function editedText(text: string, s: Version, t: Version): string {
  let next: string;
  try {
    // A template that is no YAML until rendered: the value is its own text there.
    if (t.span) {
      if (s.value === null) throw new PromotionRefused(`${t.file}: ${t.field}: the source pins no ${s.kind} version to write`);
      return setSpan(text, t.span, s.value);
    }
    const entry = imagesEntry(t.path);
    const current = valueAt(text, t.doc, t.path);
    const digestKey = entry ? null : digestSiblingOf(text, t);
    if (entry) {
      next = setImagesEntry(text, t.doc, entry, s);
    } else if (valuesDigestField(t)) {
      // `image: {repository, digest}`: the target pins by digest alone and keeps doing so; a source's tag
      // beside its digest changes nothing Kubernetes pulls. Without a source digest (the user chose to
      // replace the pin) the map gets the source's tag instead of its digest.
      const holder = t.path.slice(0, -1);
      if (s.digest) next = setScalar(text, t.doc, t.path, s.digest);
      else {
        const tag = tagOf(s);
        if (tag === null) throw new PromotionRefused(`${t.file}: ${t.field}: the source pins ${s.name} by neither tag nor digest; nothing to write`);
        next = deleteKey(setKey(text, t.doc, holder, "tag", tag), t.doc, holder, "digest");
      }
    } else if (holdsRemoteRef(current, t)) {
      // A remote resource (`…?ref=v1.2.0`, a release asset URL): only its revision moves.
      const pinned = s.value === null ? null : withRemoteRef(current, s.value);
      if (pinned === null) throw new PromotionRefused(`${t.file}: ${t.field} names no revision Ferry can replace with ${s.value ?? "nothing"}; edit it by hand`);
      next = setScalar(text, t.doc, t.path, pinned);
    } else if (holdsTagAtDigest(current, t) || digestKey) {
      // Helm values: `tag: 1.2@sha256:…`, or `tag:` beside `digest:`. Tag and digest move together.
      const tag = tagOf(s);
      if (tag === null) throw new PromotionRefused(`${t.file}: ${t.field} holds a tag; the source pins ${s.name} by digest only, with no tag to write there. Set it by hand`);
      if (digestKey) {
        next = setScalar(text, t.doc, t.path, tag);
        next = s.digest ? setKey(next, t.doc, digestKey, "digest", s.digest) : deleteKey(next, t.doc, digestKey, "digest");
      } else {
        next = setScalar(text, t.doc, t.path, s.digest ? `${tag}@${s.digest}` : tag);
      }
    } else if (holdsImageRef(current, t)) {
      const ref = parseImageRef(current);
      // Only the release part moves: the target keeps its registry and repository name.
      next = setScalar(text, t.doc, t.path, formatImageRef({ name: ref.name, tag: tagOf(s), digest: s.digest ?? null }));
    } else {
      next = setScalar(text, t.doc, t.path, s.value ?? s.digest ?? "");
    }
  } catch (e) {
    refuseEdit(t.file, e);
  }
  return next;
}

/**
 * A kustomize `newName` is a release field only when both sides are `images:` entries and the source names a
 * different repository explicitly; otherwise the target keeps its registry and name.
 */
function promoteNewName(buffer: EditBuffer, s: Version, t: Version): FieldChange | null {
  const sEntry = imagesEntry(s.path);
  const tEntry = imagesEntry(t.path);
  const sourceText = buffer.read(s.file);
  const targetText = buffer.read(t.file);
  if (!sEntry || !tEntry || sourceText === undefined || targetText === undefined) return null;
  const from = valueAt(targetText, t.doc, [...tEntry, "newName"]);
  const to = valueAt(sourceText, s.doc, [...sEntry, "newName"]);
  if (typeof to !== "string" || to === from) return null;
  try {
    buffer.write(t.file, setKey(targetText, t.doc, tEntry, "newName", to));
  } catch (e) {
    refuseEdit(t.file, e);
  }
  const field = t.field.replace(/\.(newTag|digest)$/, ".newName");
  return { kind: t.kind, name: t.name, file: t.file, field, from: typeof from === "string" ? from : null, to };
}

/** The `images:` entry of the target overlay that overrides `imageName`, after overrideInOverlay wrote it. */
function imagesEntryOf(buffer: EditBuffer, kustomization: string, imageName: string): EditPath | null {
  const images = valueAt(buffer.read(kustomization) ?? "", 0, ["images"]);
  const index = Array.isArray(images) ? images.findIndex((i: unknown) => typeof i === "object" && i !== null && (i as { name?: unknown }).name === imageName) : -1;
  return index >= 0 ? ["images", index] : null;
}

/** newTag / digest of one `images:` entry follow the source: a digest-only source drops the tag, and vice versa. */
function setImagesEntry(text: string, doc: number, entry: EditPath, s: Version): string {
  let out = text;
  const current = valueAt(out, doc, entry);
  const has = (k: string) => typeof current === "object" && current !== null && k in current;
  const tag = tagOf(s);
  if (tag !== null) out = setKey(out, doc, entry, "newTag", tag);
  else if (has("newTag")) out = deleteKey(out, doc, entry, "newTag");
  if (s.digest) out = setKey(out, doc, entry, "digest", s.digest);
  else if (has("digest")) out = deleteKey(out, doc, entry, "digest");
  return out;
}

/** Point the target overlay's `images:` entry for `imageName` at the source release, adding the entry if needed. */
function overrideInOverlay(buffer: EditBuffer, kustomization: string, imageName: string, s: Version, t: Version | null): FieldChange | null {
  const text = buffer.read(kustomization);
  if (text === undefined) return null;
  let next: string;
  let field: string;
  try {
    const images = valueAt(text, 0, ["images"]);
    const index = Array.isArray(images) ? images.findIndex((i: unknown) => typeof i === "object" && i !== null && (i as { name?: unknown }).name === imageName) : -1;
    if (index >= 0) {
      next = setImagesEntry(text, 0, ["images", index], s);
    } else {
      const item: Record<string, string> = { name: imageName };
      const tag = tagOf(s);
      if (tag !== null) item.newTag = tag;
      if (s.digest) item.digest = s.digest;
      next = appendToSequence(text, 0, ["images"], item);
    }
    field = `images[name=${imageName}].${tagOf(s) !== null ? "newTag" : "digest"}`;
  } catch (e) {
    refuseEdit(kustomization, e);
  }
  buffer.write(kustomization, next);
  return change(s, t, kustomization, field);
}

export { readable };
