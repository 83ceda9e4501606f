import { isRecord } from "../yaml";
import type { ReadContext } from "./context";
import { isYamlPath } from "./paths";

export interface KindDoc {
  file: string;
  doc: number;
  value: Record<string, unknown>;
}

/** Every parsed document with a `kind`, grouped by kind: one pass over the tree. */
export type DocsByKind = Map<string, KindDoc[]>;

export function scanKinds(ctx: ReadContext): DocsByKind {
  const out: DocsByKind = new Map();
  for (const path of ctx.index.paths) {
    if (!isYamlPath(path) || path.startsWith(".ferry/")) continue;
    const loaded = ctx.load(path);
    for (const d of loaded.docs) {
      if (!isRecord(d.value) || typeof d.value.kind !== "string") continue;
      const list = out.get(d.value.kind) ?? [];
      list.push({ file: path, doc: d.index, value: d.value });
      out.set(d.value.kind, list);
    }
  }
  return out;
}

export function apiGroup(doc: Record<string, unknown>): string {
  const api = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
  return api.includes("/") ? (api.split("/")[0] ?? "") : "";
}
