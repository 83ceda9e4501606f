import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import { listRepositories } from "@/lib/data/repositories";
import { RepositoryTable } from "@/components/repositories/repository-table";

export const metadata: Metadata = { title: "Repositories" };

export default async function RepositoriesPage() {
  await requireUser();
  const repositories = await listRepositories(getPrisma());
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
