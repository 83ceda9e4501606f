import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import { PRESET_LABELS, PRESET_NAMES } from "@/lib/gitops/scaffold";
import { AppForm } from "@/components/scaffold/app-form";
import { RefusalPanel } from "@/components/scaffold/refusal-panel";

export const metadata: Metadata = { title: "Add app" };

export default async function AddAppPage() {
  const user = await requireUser();
  const prisma = getPrisma();
  const isAdmin = user.role === "ADMIN";
  const [repositories, teams, environments] = await Promise.all([
    prisma.repository.findMany({ where: { archivedAt: null }, select: { name: true, team: true }, orderBy: { name: "asc" } }),
    prisma.team.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
    prisma.environment.findMany({ select: { name: true }, orderBy: [{ order: "asc" }, { name: "asc" }] }),
  ]);
  // Developers add apps for their own teams only; the server checks again on every request.
  const myTeams = isAdmin ? teams.map((t) => t.name) : teams.map((t) => t.name).filter((t) => user.teams.includes(t));
  const myRepos = repositories.filter((r) => r.team === null || myTeams.includes(r.team));
  const refusal = user.role === "VIEWER" ? `${user.name} is a viewer and cannot create apps.` : myTeams.length === 0 ? `${user.name} is not a member of any team.` : null;
  return (
    <div className="flex max-w-5xl flex-col gap-4">
      <div>
        <h1 className="text-xl font-semibold">Add app</h1>
        <p className="text-sm text-slate-600">Opens one change request that scaffolds the app and its wiring in the repository&apos;s convention.</p>
      </div>
      {refusal ? (
        <RefusalPanel title="You cannot add apps" reason={refusal} />
      ) : (
        <AppForm
          repositories={myRepos}
          teams={myTeams}
          environments={environments.map((e) => e.name)}
          presets={PRESET_NAMES.map((p) => ({ value: p, label: PRESET_LABELS[p].app }))}
        />
      )}
    </div>
  );
}
