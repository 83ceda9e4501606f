import type { ChangeSet, FileEdit } from "../change-set";
import { unifiedDiff } from "../diff";
import type { FileTree } from "../model";
import { fnv1a } from "./branch";
import type { FieldChange, SkippedFile } from "./types";

// A bulk promotion is several single promotions planned one after another on one repository: each cell
// is planned on the tree the cells before it left, so two cells editing the same file (two images in
// one overlay's kustomization) compose into one edit of that file instead of conflicting.

/** One promoted cell of a bulk change: `app` from `from` to `to`. */
export interface BulkCell {
  app: string;
  from: string;
  to: string;
}

/** A cell whose plan has changes, in the order it was planned. */
export interface BulkStep {
  cell: BulkCell;
  edits: readonly FileEdit[];
  fields: FieldChange[];
  skipped: SkippedFile[];
  notes: string[];
  downgrade: boolean;
}

export const bulkCellKey = (c: Pick<BulkCell, "app" | "to">) => `${c.app}/${c.to}`;

/** The tree with a plan's edits applied: the next cell is planned on it. */
export function treeAfter(tree: FileTree, edits: readonly FileEdit[]): FileTree {
  const out = new Map(tree);
  for (const e of edits) {
    if (e.action === "delete" || e.content === null) out.delete(e.path);
    else out.set(e.path, e.content);
  }
  return out;
}

/**
 * One edit per file for steps planned in sequence: the content the last step left, against the base's
 * content (so the diff and the stale-base check are the combined change's). A file written back to its
 * base content is no edit.
 */
export function composeEdits(base: FileTree, steps: readonly (readonly FileEdit[])[]): FileEdit[] {
  const last = new Map<string, string | null>();
  for (const edits of steps) for (const e of edits) last.set(e.path, e.action === "delete" ? null : e.content);
  const out: FileEdit[] = [];
  for (const [path, content] of [...last.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const previous = base.get(path) ?? null;
    if (content === previous) continue;
    const action = content === null ? "delete" : previous === null ? "create" : "update";
    out.push({ path, action, content, previous });
  }
  return out;
}

/**
 * One branch per set of cells, so opening the same selection again updates its change request. Cells
 * are named by a hash (a selection can be long); the target environments stay readable.
 */
export function bulkPromotionBranch(cells: readonly BulkCell[]): string {
  const keys = [...new Set(cells.map(bulkCellKey))].sort();
  const envs = [...new Set(cells.map((c) => c.to))].sort().map((e) => e.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "env");
  const readable = envs.join("-").slice(0, 80).replace(/-+$/, "");
  return `ferry/promote-bulk/${readable}-${fnv1a(keys.join("\n"))}`;
}


const code = (s: string | null) => (s === null ? "_(none)_" : `\`${s.replace(/`/g, "'")}\``);
const tableCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export interface BulkDescribe {
  /** The selection's branch (bulkPromotionBranch of every requested cell, including those left out). */
  branch: string;
  repository: string;
  baseSha: string;
  requestedBy?: string;
  portalUrl?: string;
  /** Cells left out, each with the reason (up to date, needs a confirmation, refused, already in an open change). */
  left: { cell: BulkCell; reason: string }[];
}

/** The combined change: one edit per file, the diff of them all, and a description listing every cell. */
export function bulkChangeSet(base: FileTree, steps: readonly BulkStep[], d: BulkDescribe): ChangeSet {
  if (steps.length === 0) throw new Error("a bulk change needs at least one cell with changes");
  const edits = composeEdits(base, steps.map((s) => s.edits));
  const envs = [...new Set(steps.map((s) => s.cell.to))];
  const apps = [...new Set(steps.map((s) => s.cell.app))];
  const title = `Promote ${steps.length} cell${steps.length === 1 ? "" : "s"} to ${envs.join(", ")}: ${apps.join(", ")}`.slice(0, 250);
  const body: string[] = [`## Bulk promotion of ${steps.length} cell${steps.length === 1 ? "" : "s"}`, ""];
  body.push(`Base: ${tableCell(d.repository)} @ ${code(d.baseSha.slice(0, 12))}${d.requestedBy ? `, requested by ${tableCell(d.requestedBy)}` : ""}.`, "");
  body.push("| App | From | To | Field | File | Was | Becomes |", "|---|---|---|---|---|---|---|");
  for (const s of steps) {
    for (const f of s.fields) body.push(`| ${tableCell(s.cell.app)} | ${tableCell(s.cell.from)} | ${tableCell(s.cell.to)} | ${tableCell(f.name)} | ${code(f.file)} | ${code(f.from)} | ${code(f.to)} |`);
  }
  body.push("", "### Files changed", "");
  for (const e of edits) body.push(`- ${code(e.path)} (${e.action === "create" ? "new" : e.action === "delete" ? "deleted" : "updated"})`);
  body.push("");
  if (steps.some((s) => s.downgrade)) body.push("> [!WARNING]", `> **Downgrade**: ${steps.filter((s) => s.downgrade).map((s) => `${s.cell.app} in ${s.cell.to}`).join(", ")}, confirmed explicitly.`, "");
  const notes = steps.flatMap((s) => s.notes.map((n) => `${s.cell.app} → ${s.cell.to}: ${n}`));
  if (notes.length > 0) body.push("### Please check", "", ...notes.map((n) => `- ${n}`), "");
  if (d.left.length > 0) body.push("### Not in this change", "", ...d.left.map((l) => `- ${l.cell.app} → ${l.cell.to}: ${l.reason}`), "");
  if (d.portalUrl) body.push(`[Open this promotion in Ferry](${d.portalUrl})`, "");
  body.push("<sub>Planned by Ferry. Merging this change is the deployment.</sub>", "");
  const message = [title, "", ...steps.flatMap((s) => s.fields.map((f) => `- ${s.cell.app} ${s.cell.from} -> ${s.cell.to}: ${f.file}: ${f.field} ${f.from ?? "(none)"} -> ${f.to ?? "(none)"}`))];
  if (d.requestedBy) message.push("", `Requested-by: ${d.requestedBy}`);
  return { title, body: body.join("\n"), branch: d.branch, commitMessage: `${message.join("\n")}\n`, edits, diff: unifiedDiff(edits) };
}
