import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import { listChanges } from "@/lib/data/changes";
import { ChangeTable } from "@/components/changes/change-table";

export const metadata: Metadata = { title: "Changes" };

export default async function ChangesPage() {
  await requireUser();
  const changes = await listChanges(getPrisma());
  const open = changes.filter((c) => c.state === "OPEN" || c.state === "DRAFT");
  const done = changes.filter((c) => c.state === "MERGED" || c.state === "CLOSED");
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-xl font-semibold">Changes</h1>
      <section aria-labelledby="open-changes">
        <h2 id="open-changes" className="mb-2 text-lg font-medium">
          Open ({open.length})
        </h2>
        <ChangeTable changes={open} empty="No open changes. Promote a release from the matrix to open one." />
      </section>
      <section aria-labelledby="closed-changes">
        <h2 id="closed-changes" className="mb-2 text-lg font-medium">
          Merged and closed
        </h2>
        <ChangeTable changes={done} empty="Nothing merged or closed yet." />
      </section>
    </div>
  );
}
