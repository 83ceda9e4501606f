import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { isScmError } from "@/lib/scm/errors";
import { openScmRepository } from "@/lib/sync/open-scm";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import type { Requester } from "./open-promotion";

async function changeWithRepository(prisma: PrismaClient, id: number) {
  const row = await prisma.changeRequest.findUnique({ where: { id }, include: { repository: true } });
  if (!row) throw new DomainError(`There is no change #${id}.`);
  if (row.number === null) throw new DomainError(`Change #${id} has no number on its forge yet.`);
  if (row.state !== "OPEN" && row.state !== "DRAFT") throw new DomainError(`Change #${row.number} is already ${row.state.toLowerCase()}.`);
  return { ...row, number: row.number };
}

function explain(error: unknown): never {
  if (isScmError(error)) throw new DomainError(error.message);
  throw error;
}

/**
 * Merges exactly the reviewed head (a moved branch is refused), then syncs so the matrix shows the
 * new version straight away. On plain git this is a real merge into the default branch.
 */
export async function mergeChange(prisma: PrismaClient, id: number, reviewer: Requester): Promise<{ number: number; headSha: string | null }> {
  const row = await changeWithRepository(prisma, id);
  const scm = openScmRepository(row.repository);
  try {
    await scm.mergeChangeRequest(row.number, {
      expectedHeadSha: row.headSha ?? undefined,
      mergedBy: { name: reviewer.name, email: reviewer.email },
    });
  } catch (error) {
    explain(error);
  }
  // Forges report the merge through webhooks; record it now so the portal does not wait for one.
  await prisma.changeRequest.updateMany({ where: { id, state: { in: ["OPEN", "DRAFT"] } }, data: { state: "MERGED", mergedAt: new Date() } });
  await syncRepositoryNow(prisma, row.repository.name);
  return { number: row.number, headSha: row.headSha };
}

/** Closes without merging and deletes the branch: nothing is deployed. */
export async function closeChange(prisma: PrismaClient, id: number): Promise<{ number: number }> {
  const row = await changeWithRepository(prisma, id);
  try {
    await openScmRepository(row.repository).closeChangeRequest(row.number, { deleteBranch: true });
  } catch (error) {
    explain(error);
  }
  await prisma.changeRequest.updateMany({ where: { id, state: { in: ["OPEN", "DRAFT"] } }, data: { state: "CLOSED", closedAt: new Date() } });
  return { number: row.number };
}
