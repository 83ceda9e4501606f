import { compareVersions } from "../drift";
import { parseForEdit as parseForEditQuiet, YamlEditError } from "../edit";
import type { Deployment, FileTree } from "../model";
import { EditBuffer } from "./edit-buffer";
import { display, matchVersions, sameRelease } from "./match";
import { envSpecificFieldsOf, mergeFile } from "./merge-file";
import { isYamlFile, neverCopyReason } from "./never-copy";
import { basename, isUnder, reroot } from "./paths";
import { PromotionRefused } from "./refusal";
import type { FieldChange, SkippedFile } from "./types";
import { dropLeftoverDigest, keepPinCommentsTrue, pinNodePath, pinRefusal, pinReplacedNote, planVersionFields } from "./version-mode";
import type { VersionPair } from "./match";

export interface FolderPlan {
  buffer: EditBuffer;
  fields: FieldChange[];
  skipped: SkippedFile[];
  notes: string[];
  downgrades: FieldChange[];
  /** Fields the copy points at a floating source value. */
  floating: FieldChange[];
}

/** Every file of an env folder: what the reader listed plus anything else in the folder (non-YAML config). */
function folderFiles(tree: FileTree, d: Deployment): string[] {
  const all = new Set(d.files.filter((f) => isUnder(f, d.path)));
  for (const path of tree.keys()) if (isUnder(path, d.path) && path !== d.path) all.add(path);
  return [...all].sort();
}

/**
 * Folder promotion ("promotion via cp"): copy the promotable files of the source env folder into the target
 * folder. A file present in both is merged into the target's text (env-specific values stay); a file only in
 * the source is created; a file only in the target stays. Release fields that live outside the folder (a
 * shared base) are promoted the version way.
 */
export function planFolder(tree: FileTree, source: Deployment, target: Deployment, neverPromote: readonly string[], options: { allowReplaceDigestPin?: boolean } = {}): FolderPlan {
  if (!isFolder(tree, source.path) || !isFolder(tree, target.path)) {
    throw new PromotionRefused(`folder promotion needs an environment folder on both sides (${source.path} → ${target.path}); use version promotion`);
  }
  const buffer = new EditBuffer(tree);
  const plan: FolderPlan = { buffer, fields: [], skipped: [], notes: [], downgrades: [], floating: [] };
  const sourceFiles = folderFiles(tree, source);
  const rel = (p: string) => p.slice(source.path.length + 1);
  const skippedRel = new Set<string>();
  const copied = new Set<string>();
  const envs = { source: source.env, target: target.env };

  for (const path of sourceFiles) {
    const text = tree.get(path);
    if (text === undefined) continue;
    const why = neverCopyReason(path, rel(path), text, neverPromote);
    if (why) {
      plan.skipped.push({ path, reason: why });
      skippedRel.add(rel(path));
    }
  }
  for (const path of sourceFiles) {
    const text = tree.get(path);
    if (text === undefined || skippedRel.has(rel(path))) continue;
    const to = reroot(path, source.path, target.path);
    copied.add(to);
    const existing = tree.get(to);
    const kz = isKustomizationFile(to);
    if (existing === undefined) {
      buffer.write(to, text);
      const envFields = isYamlFile(path) ? envSpecificFieldsOf(text, kz, envs) : [];
      if (envFields.length > 0) plan.notes.push(`${to}: created from ${source.env}; check its env-specific values: ${envFields.join(", ")}`);
      continue;
    }
    if (!isYamlFile(path)) {
      buffer.write(to, text);
      continue;
    }
    const targetError = parseProblem(existing);
    if (targetError) throw new PromotionRefused(`${to}${targetError.line ? `:${targetError.line}` : ""} does not parse: ${targetError.message}`);
    const merged = mergeFile(text, existing, kz, skippedRel, envs);
    buffer.write(to, merged.text);
    if (merged.kept.length > 0) plan.notes.push(`${to}: kept ${target.env}'s ${merged.kept.join(", ")}`);
    for (const r of merged.review) plan.notes.push(`${to}: ${r}`);
  }
  for (const path of folderFiles(tree, target)) {
    // A target file whose source counterpart was skipped is already explained by that skip.
    if (!copied.has(path) && !skippedRel.has(path.slice(target.path.length + 1))) plan.skipped.push({ path, reason: `only in ${target.env}; left as is (folder promotion never deletes)` });
  }

  const { pairs } = matchVersions(source.versions, target.versions);
  // A target pinned by digest stays pinned: the copy carries the source's digest, or is refused unless the
  // user chose to replace the pin; comments about the old digest are made true again.
  const unpinning: VersionPair[] = [];
  for (const pair of pairs) {
    const { source: s, target: t } = pair;
    if (!t.digest || s.digest === t.digest || !copied.has(t.file)) continue;
    if (!s.digest) {
      unpinning.push(pair);
      if (!options.allowReplaceDigestPin) continue;
      dropLeftoverDigest(buffer, t);
      plan.notes.push(pinReplacedNote(s, t, t.file));
    }
    plan.notes.push(...keepPinCommentsTrue(buffer, t.file, t.doc, pinNodePath(buffer.read(t.file) ?? "", t), t.digest, s.digest ?? null));
  }
  if (unpinning.length > 0 && !options.allowReplaceDigestPin) throw pinRefusal(source, target, unpinning);

  // Release fields edited by the copy, for the PR body and the downgrade check.
  for (const { source: s, target: t } of pairs) {
    if (sameRelease(s, t) || !copied.has(t.file) || buffer.read(t.file) === tree.get(t.file)) continue;
    const change: FieldChange = { kind: t.kind, name: t.name, file: t.file, field: t.field, from: display(t), to: display(s) };
    plan.fields.push(change);
    if (compareVersions([s], [t]).state === "ahead") plan.downgrades.push(change);
    if (s.floating) plan.floating.push(change);
  }
  // Fields outside the folder (a shared base) are not reached by a copy: promote them as versions.
  const outside = { ...target, versions: target.versions.filter((v) => !isUnder(v.file, target.path)) };
  if (outside.versions.length > 0) {
    const rest = planVersionFields(tree, source, outside, buffer, { addMissing: false, allowReplaceDigestPin: options.allowReplaceDigestPin });
    plan.notes.push(...rest.notes);
    plan.fields.push(...rest.fields);
    plan.downgrades.push(...rest.downgrades);
    plan.floating.push(...rest.floating);
    plan.skipped.push(...rest.notPromoted);
  }
  return plan;
}

function isFolder(tree: FileTree, path: string): boolean {
  if (tree.has(path)) return false;
  for (const p of tree.keys()) if (isUnder(p, path)) return true;
  return false;
}

function isKustomizationFile(path: string): boolean {
  return /^(kustomization\.ya?ml|Kustomization)$/.test(basename(path));
}

function parseProblem(text: string): { line?: number; message: string } | null {
  try {
    parseForEditQuiet(text);
    return null;
  } catch (e) {
    if (e instanceof YamlEditError) return { line: e.line, message: e.message.replace(/^line \d+: /, "") };
    return { message: e instanceof Error ? e.message : String(e) };
  }
}
