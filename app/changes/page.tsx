import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import { listChanges } from "@/lib/data/changes";
import { LiveChanges } from "@/components/changes/live-changes";

export const metadata: Metadata = { title: "Changes" };

export default async function ChangesPage() {
  await requireUser();
  const changes = await listChanges(getPrisma());
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Changes</h1>
      <LiveChanges initial={changes} renderedAt={new Date().toISOString()} />
    </div>
  );
}
