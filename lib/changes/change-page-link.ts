import type { PrismaClient } from "@/lib/db/generated/client";

// A change request's body links the portal (FERRY_PUBLIC_URL). The planner, which is pure, only
// knows the portal's root; openChange points that link at the change's own page, /changes/<id>,
// once the id is known — reserved from the table's sequence before the forge is asked to open it,
// so the body is right in the one call that opens it (no second write to fix it up).

/** `body` with every markdown link to `portalUrl` (the root) pointing at `/changes/<id>` instead. */
export function linkChangePage(body: string, portalUrl: string | undefined, id: number): string {
  if (!portalUrl) return body;
  const page = `${portalUrl.replace(/\/+$/, "")}/changes/${id}`;
  return body.split(`](${portalUrl})`).join(`](${page})`);
}

/** The next ChangeRequest id, taken from its sequence (the row is created with it later). */
export async function reserveChangeId(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.$queryRaw<{ id: bigint }[]>`SELECT nextval(pg_get_serial_sequence('"ChangeRequest"', 'id')) AS id`;
  const id = rows[0]?.id;
  if (id === undefined) throw new Error("could not reserve a change request id");
  return Number(id);
}
