import type { Metadata } from "next";
import Link from "next/link";
import { DataCell, DataRow, DataTable } from "@/components/data-table";
import { relativeTime } from "@/components/matrix/relative-time";
import { defaultTokenDays, tokenExpiry } from "@/lib/auth/api-token";
import { authorize } from "@/lib/auth/policy";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import { CreateTokenForm } from "./create-token-form";
import { RevokeButton } from "./revoke-button";

export const metadata: Metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

export default async function TokensPage() {
  const user = await requireUser();
  const decision = authorize(user, "token.manage");
  if (!decision.allowed) {
    return (
      <div role="alert" data-testid="tokens-refused" className="flex flex-col gap-1 rounded-lg border border-amber-200 bg-amber-50 p-4 text-amber-900">
        <h1 className="font-semibold">API tokens are managed by platform admins</h1>
        <p className="text-sm">{decision.reason}. Ask a platform admin for a token for your team&apos;s CI.</p>
      </div>
    );
  }
  const prisma = getPrisma();
  const now = new Date();
  const [tokens, teams] = await Promise.all([
    prisma.apiToken.findMany({ orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }] }),
    prisma.team.findMany({ orderBy: { name: "asc" }, select: { name: true, displayName: true } }),
  ]);
  const creatorIds = [...new Set(tokens.flatMap((t) => (t.createdById ? [t.createdById] : [])))];
  const creators = new Map((await prisma.user.findMany({ where: { id: { in: creatorIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-xl font-semibold">API tokens</h1>
        <p className="text-sm text-slate-600">
          Tokens let CI promote the apps of their teams (<code className="font-mono text-xs">POST /api/v1/promotions</code>, or{" "}
          <code className="font-mono text-xs">ferry promote --server</code>). They cannot merge. Only a hash is stored.{" "}
          <Link href="/settings/people" className="text-sky-700 underline">People and teams</Link>
        </p>
      </div>
      <CreateTokenForm teams={teams.map((t) => ({ name: t.name, label: t.displayName ?? t.name }))} defaultDays={defaultTokenDays()} />
      <DataTable testId="tokens" headers={["Name", "Teams", "Created", "Last used", "Expires", "Status"]} empty={tokens.length === 0 ? "No tokens yet." : undefined}>
        {tokens.map((t) => (
          <DataRow key={t.id} top>
            <DataCell className="font-medium">{t.name}</DataCell>
            <DataCell className="text-xs">{t.teams.join(", ") || "—"}</DataCell>
            <DataCell className="text-xs text-slate-600" title={t.createdAt.toISOString()}>
              {relativeTime(t.createdAt.toISOString())} by {t.createdById ? (creators.get(t.createdById) ?? t.createdById) : "—"}
            </DataCell>
            <DataCell className="text-xs text-slate-600" title={t.lastUsedAt?.toISOString()}>
              {t.lastUsedAt ? relativeTime(t.lastUsedAt.toISOString()) : "never"}
            </DataCell>
            <DataCell className="text-xs text-slate-600" title={tokenExpiry(t).toISOString()}>
              {tokenExpiry(t) <= now ? <span className="font-medium text-red-800">expired {tokenExpiry(t).toISOString().slice(0, 10)}</span> : tokenExpiry(t).toISOString().slice(0, 10)}
            </DataCell>
            <DataCell className="text-xs">
              {t.revokedAt ? (
                <span className="text-slate-500" title={t.revokedAt.toISOString()}>
                  revoked {relativeTime(t.revokedAt.toISOString())}
                </span>
              ) : (
                <RevokeButton id={t.id} name={t.name} />
              )}
            </DataCell>
          </DataRow>
        ))}
      </DataTable>
    </div>
  );
}
