import type { PrismaClient } from "@/lib/db/generated/client";
import type { Version } from "@/lib/gitops/model";

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
  if (!change.appName || !change.toEnv || fields.length === 0) return [];
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
