import { parseAllDocuments } from "yaml";
import { appendToSequence, setKey, setScalar, type EditPath } from "../edit";
import { envSpecificReason } from "./env-specific";
import { instanceReason, maskEnv, type EnvNames } from "./instance-metadata";

export interface MergeResult {
  text: string;
  /** Env-specific values that differ and were kept from the target, e.g. `spec.replicas (replicas)`. */
  kept: string[];
  /** Differences the merge could not carry over safely: a reviewer should look. */
  review: string[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

function docsOf(text: string): unknown[] {
  return parseAllDocuments(text.replace(/^\uFEFF/, ""), { prettyErrors: false }).map((d) => (d.errors.length ? undefined : (d.toJS({ maxAliasCount: 100 }) as unknown)));
}

function identity(doc: unknown, env?: string): string | null {
  if (!isRec(doc) || typeof doc.kind !== "string") return null;
  const meta = isRec(doc.metadata) ? doc.metadata : {};
  return `${doc.kind}/${typeof meta.name === "string" ? maskEnv(meta.name, env) : ""}`;
}

/** Why the value at `path` stays the target's: env-specific configuration or instance identity. */
function keepReason(path: EditPath, source: unknown, root: Rec, kz: boolean, envs: EnvNames | undefined): string | null {
  return envSpecificReason(path, root, kz) ?? instanceReason(path, source, envs);
}

/** A source-only subtree without what must not be copied; what was left out, for the kept list. */
function withoutKept(value: unknown, path: EditPath, root: Rec, kz: boolean, envs: EnvNames | undefined, dropped: string[]): unknown {
  if (isRec(value)) {
    const out: Rec = {};
    for (const [k, v] of Object.entries(value)) {
      const why = keepReason([...path, k], v, root, kz, envs);
      if (why) dropped.push(`${readablePath([...path, k])} (${why}; not copied)`);
      else {
        const kept = withoutKept(v, [...path, k], root, kz, envs, dropped);
        // A map emptied by what was left out is left out too (`labels: {}` would say something).
        if (!isEmptyRec(kept) || isEmptyRec(v)) out[k] = kept;
      }
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => withoutKept(v, [...path, i], root, kz, envs, dropped));
  return value;
}

const isEmptyRec = (v: unknown) => isRec(v) && Object.keys(v).length === 0;

function readablePath(path: EditPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

const named = (items: unknown[]) => items.every((i) => isRec(i) && typeof i.name === "string");

/**
 * Folder promotion of one file present in both environments: start from the TARGET text and carry over, in
 * place, every source value that is not env-specific. Keys only the target has stay; keys only the source
 * has are added; named list items (containers, images) are matched by name, never by index.
 */
export function mergeFile(sourceText: string, targetText: string, isKustomization: boolean, skippedEntries: ReadonlySet<string>, envs?: EnvNames): MergeResult {
  const result: MergeResult = { text: targetText, kept: [], review: [] };
  const sourceDocs = docsOf(sourceText);
  const targetDocs = docsOf(targetText);
  sourceDocs.forEach((sd, i) => {
    const id = identity(sd, envs?.source);
    let ti = id === null ? i : targetDocs.findIndex((td) => identity(td, envs?.target) === id);
    if (ti < 0 && sourceDocs.length === 1 && targetDocs.length === 1) ti = 0;
    const td = targetDocs[ti];
    if (ti < 0 || td === undefined) {
      if (sd !== null && sd !== undefined) result.review.push(`document ${id ?? i} exists only in the source file; not added`);
      return;
    }
    const root = isRec(td) ? td : {};
    walk(result, ti, [], sd, td, root, isKustomization, skippedEntries, envs);
  });
  return result;
}

function walk(r: MergeResult, doc: number, path: EditPath, s: unknown, t: unknown, root: Rec, kz: boolean, skipped: ReadonlySet<string>, envs: EnvNames | undefined): void {
  if (path.length > 0) {
    const why = keepReason(path, s, root, kz, envs);
    if (why) {
      if (JSON.stringify(s) !== JSON.stringify(t)) r.kept.push(`${readablePath(path)} (${why})`);
      return;
    }
  }
  if (isRec(s) && isRec(t)) {
    for (const [k, sv] of Object.entries(s)) {
      if (k in t) {
        walk(r, doc, [...path, k], sv, t[k], root, kz, skipped, envs);
        continue;
      }
      const why = keepReason([...path, k], sv, root, kz, envs);
      if (why) {
        r.kept.push(`${readablePath([...path, k])} (${why}; not copied)`);
        continue;
      }
      const value = withoutKept(sv, [...path, k], root, kz, envs, r.kept);
      if (!isEmptyRec(value) || isEmptyRec(sv)) edit(r, path, () => setKey(r.text, doc, path, k, value));
    }
    return;
  }
  if (Array.isArray(s) && Array.isArray(t)) {
    mergeList(r, doc, path, s, t, root, kz, skipped, envs);
    return;
  }
  if (isScalar(s) && isScalar(t)) {
    if (s !== t && s !== null) edit(r, path, () => setScalar(r.text, doc, path, String(s)));
    return;
  }
  if (JSON.stringify(s) !== JSON.stringify(t)) r.review.push(`${readablePath(path)}: shape differs between environments; left as in the target`);
}

function mergeList(r: MergeResult, doc: number, path: EditPath, s: unknown[], t: unknown[], root: Rec, kz: boolean, skipped: ReadonlySet<string>, envs: EnvNames | undefined): void {
  if (s.every(isScalar) && t.every(isScalar)) {
    // Lists of references (resources:, patches paths): add what the source gained, never remove what the target has.
    for (const item of s) {
      if (t.includes(item) || item === null) continue;
      if (typeof item === "string" && skipped.has(item)) continue;
      edit(r, path, () => appendToSequence(r.text, doc, path, String(item)));
    }
    return;
  }
  if (named(s) && named(t)) {
    for (const item of s as Rec[]) {
      const ti = (t as Rec[]).findIndex((x) => x.name === item.name);
      if (ti >= 0) walk(r, doc, [...path, ti], item, t[ti], root, kz, skipped, envs);
      else if (isFlat(item)) {
        const dropped: string[] = [];
        withoutKept(item, [...path, t.length], root, kz, envs, dropped);
        if (dropped.length > 0) r.kept.push(`${readablePath(path)}: item ${String(item.name)} (${dropped.length === 1 ? "holds" : "hold"} ${dropped.join(", ")}; item not copied)`);
        else edit(r, path, () => appendToSequence(r.text, doc, path, item as Record<string, string>));
      }
      else r.review.push(`${readablePath(path)}: item ${String(item.name)} exists only in the source; not added`);
    }
    return;
  }
  if (s.length === t.length) {
    s.forEach((item, i) => walk(r, doc, [...path, i], item, t[i], root, kz, skipped, envs));
    return;
  }
  if (JSON.stringify(s) !== JSON.stringify(t)) r.review.push(`${readablePath(path)}: lists differ and cannot be matched item by item; left as in the target`);
}

function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function isFlat(v: Rec): boolean {
  return Object.values(v).every((x) => typeof x === "string");
}

function edit(r: MergeResult, path: EditPath, run: () => string): void {
  try {
    r.text = run();
  } catch (e) {
    r.review.push(`${readablePath(path) || "(document)"}: could not be carried over (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Env-specific fields a file copied as a whole still holds: the reviewer must check them. */
export function envSpecificFieldsOf(text: string, isKustomization: boolean, envs?: EnvNames): string[] {
  const found: string[] = [];
  for (const d of docsOf(text)) {
    if (!isRec(d)) continue;
    const visit = (v: unknown, path: EditPath) => {
      if (path.length > 0) {
        const why = keepReason(path, v, d, isKustomization, envs);
        if (why) {
          found.push(`${readablePath(path)} (${why})`);
          return;
        }
      }
      if (isRec(v)) for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
      else if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
    };
    visit(d, []);
  }
  return found;
}
