import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import { listRepositories } from "@/lib/data/repositories";
import { locationFor, messageFor } from "@/lib/data/server-paths";
import { RepositoryTable } from "@/components/repositories/repository-table";

export const metadata: Metadata = { title: "Repositories" };

export default async function RepositoriesPage() {
  const user = await requireUser();
  // Local paths and paths in git's messages are the server's business: platform admins only.
  const repositories = (await listRepositories(getPrisma())).map((r) => ({
    ...r,
    url: locationFor(user.role, r.url),
    syncError: r.syncError === null ? null : messageFor(user.role, r.syncError),
  }));
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Repositories</h1>
      <p className="text-sm text-slate-600">
        Git is the source of truth; Ferry keeps a cache of each repository at its branch head. Sync runs at start, every few minutes, and when you press
        Refresh.
      </p>
      <RepositoryTable repositories={repositories} />
    </div>
  );
}
