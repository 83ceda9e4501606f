import type { PrismaClient } from "@/lib/db/generated/client";
import type { Version } from "@/lib/gitops/model";
import { storedBulkCells } from "@/lib/changes/bulk-cells";
import type { BulkCell } from "@/lib/gitops/promote/bulk";

/** One promoted field: what "Now" was when the change was planned, and what the target runs at the base's current head. */
export interface FieldNow {
  name: string;
  file: string;
  field: string;
  plannedFrom: string | null;
  now: string | null;
  to: string | null;
}

interface StoredField {
  name: string;
  file: string;
  field: string;
  from: string | null;
  to: string | null;
}

/**
 * "Now" as it is at the latest synced head, for a promotion whose base moved: read from the cached
 * target cell (never from the forge), matched by file and field, else by name.
 */
export async function nowOnHead(prisma: PrismaClient, change: { repository: { id: number }; appName: string | null; toEnv: string | null; changeSet: unknown }): Promise<FieldNow[]> {
  const fields = (change.changeSet as { fields?: StoredField[] } | null)?.fields ?? [];
  if (fields.length === 0) return [];
  // A bulk change names no one cell: each field is matched by its file and field among the cells it promotes.
  const bulkCells = storedBulkCells(change.changeSet);
  if (!change.appName && bulkCells.length > 0) return bulkNow(prisma, change.repository.id, bulkCells, fields);
  if (!change.appName || !change.toEnv) return [];
  const cell = await prisma.deployment.findFirst({
    where: { app: { name: change.appName, repositoryId: change.repository.id }, environment: { name: change.toEnv } },
    select: { versions: true },
  });
  const versions = (cell?.versions ?? []) as unknown as Version[];
  return fields.map((f) => {
    const current = versions.find((v) => v.file === f.file && v.field === f.field) ?? versions.find((v) => v.name === f.name);
    return { name: f.name, file: f.file, field: f.field, plannedFrom: f.from, now: current?.value ?? null, to: f.to };
  });
}

async function bulkNow(prisma: PrismaClient, repositoryId: number, cells: BulkCell[], fields: StoredField[]): Promise<FieldNow[]> {
  const rows = await prisma.deployment.findMany({
    where: { app: { repositoryId }, OR: cells.map((c) => ({ app: { name: c.app }, environment: { name: c.to } })) },
    select: { versions: true },
  });
  const versions = rows.flatMap((r) => (r.versions ?? []) as unknown as Version[]);
  return fields.map((f) => {
    const current = versions.find((v) => v.file === f.file && v.field === f.field);
    return { name: f.name, file: f.file, field: f.field, plannedFrom: f.from, now: current?.value ?? null, to: f.to };
  });
}
