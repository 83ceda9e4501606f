import type { Metadata } from "next";
import { authorize } from "@/lib/auth/policy";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import { IN_CLUSTER, PRESET_LABELS, PRESET_NAMES } from "@/lib/gitops/scaffold";
import { RefusalPanel } from "@/components/scaffold/refusal-panel";
import { TenantForm } from "@/components/scaffold/tenant-form";

export const metadata: Metadata = { title: "Onboard tenant" };

export default async function OnboardTenantPage() {
  const user = await requireUser();
  const decision = authorize(user, "tenant.onboard");
  return (
    <div className="flex max-w-5xl flex-col gap-4">
      <div>
        <h1 className="text-xl font-semibold">Onboard tenant</h1>
        <p className="text-sm text-slate-600">Opens one change request in the platform repository with everything a new team needs, in that repository&apos;s convention.</p>
      </div>
      {decision.allowed ? <Form /> : <RefusalPanel title="You cannot onboard tenants" reason={`${decision.reason}. Ask a platform admin to onboard your team.`} />}
    </div>
  );
}

async function Form() {
  const prisma = getPrisma();
  const [repositories, environments] = await Promise.all([
    prisma.repository.findMany({ where: { archivedAt: null }, select: { name: true, provider: true, id: true }, orderBy: { name: "asc" } }),
    prisma.environment.findMany({ select: { name: true }, orderBy: [{ order: "asc" }, { name: "asc" }] }),
  ]);
  // The platform repository is the one that already declares tenants in folders.
  const withTenants = await prisma.repositoryFile.findFirst({ where: { path: { startsWith: "tenants/" }, repositoryId: { in: repositories.map((r) => r.id) } }, select: { repository: { select: { name: true } } } });
  return (
    <TenantForm
      repositories={repositories.map((r) => ({ name: r.name, provider: r.provider }))}
      defaultPlatform={withTenants?.repository.name ?? repositories[0]?.name ?? ""}
      environments={environments.map((e) => e.name)}
      presets={PRESET_NAMES.map((p) => ({ value: p, label: PRESET_LABELS[p].tenant }))}
      defaultCluster={IN_CLUSTER}
    />
  );
}
