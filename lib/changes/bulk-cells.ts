import type { BulkCell } from "@/lib/gitops/promote/bulk";

/** The cells a bulk promotion's change request holds (`changeSet.cells`), tolerant of any other row. */
export function storedBulkCells(changeSet: unknown): BulkCell[] {
  if (typeof changeSet !== "object" || changeSet === null || !("cells" in changeSet) || !Array.isArray(changeSet.cells)) return [];
  return changeSet.cells.filter((c: unknown): c is BulkCell => typeof c === "object" && c !== null && typeof (c as BulkCell).app === "string" && typeof (c as BulkCell).to === "string");
}
