import type { PrismaClient } from "@/lib/db/generated/client";
import type { BulkCell } from "@/lib/gitops/promote/bulk";
import { changeLabel } from "./change-label";

/** The cells a bulk promotion's change request holds (`changeSet.cells`), tolerant of any other row. */
export function storedBulkCells(changeSet: unknown): BulkCell[] {
  if (typeof changeSet !== "object" || changeSet === null || !("cells" in changeSet) || !Array.isArray(changeSet.cells)) return [];
  return changeSet.cells.filter((c: unknown): c is BulkCell => typeof c === "object" && c !== null && typeof (c as BulkCell).app === "string" && typeof (c as BulkCell).to === "string");
}

/** The open bulk change from Ferry (not on `exceptBranch`) that already promotes `app` into `to`, if any. */
export async function openBulkChangeHolding(
  prisma: PrismaClient,
  repositoryId: number,
  cell: { app: string; to: string },
  exceptBranch: string,
): Promise<{ id: number; label: string } | null> {
  // Bulk rows name no one app: the cells are in the stored change set.
  const open = await prisma.changeRequest.findMany({
    where: { repositoryId, kind: "PROMOTION", appName: null, state: { in: ["OPEN", "DRAFT"] }, NOT: { branch: exceptBranch } },
    select: { id: true, number: true, changeSet: true, repository: { select: { name: true, provider: true } } },
    orderBy: { id: "asc" },
  });
  const holder = open.find((c) => storedBulkCells(c.changeSet).some((held) => held.app === cell.app && held.to === cell.to));
  return holder ? { id: holder.id, label: changeLabel({ provider: holder.repository.provider, repository: holder.repository.name, number: holder.number, id: holder.id }) } : null;
}

/**
 * A single promotion (or rollback) of a cell an open bulk change already promotes is refused: two open
 * changes editing the same lines would conflict as soon as one merges, and which one wins would be
 * decided by merge order rather than by anyone. The bulk change is updated or closed first.
 */
export function heldByBulkRefusal(cell: { app: string; to: string }, holder: { label: string }): string {
  return `${cell.app} in ${cell.to} is part of the open bulk change ${holder.label}: a second change for it would conflict with that one. Update or close ${holder.label} first (or merge it), then promote again. Nothing was changed.`;
}
