import type { Metadata } from "next";
import Link from "next/link";
import { DataCell, DataRow, DataTable } from "@/components/data-table";
import { relativeTime } from "@/components/matrix/relative-time";
import { listPeople, reasonsFor } from "@/lib/auth/people";
import { authorize, describeRole } from "@/lib/auth/policy";
import { requireUser } from "@/lib/auth/session";
import { loadGroupPolicy } from "@/lib/auth/sign-in-config";
import { getPrisma } from "@/lib/db/client";

export const metadata: Metadata = { title: "People and teams" };
export const dynamic = "force-dynamic";

export default async function PeoplePage() {
  const user = await requireUser();
  const decision = authorize(user, "people.read");
  if (!decision.allowed) {
    return (
      <div role="alert" data-testid="people-refused" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-amber-900">
        <h1 className="font-semibold">People and teams are shown to platform admins</h1>
        <p className="text-sm">{decision.reason}.</p>
      </div>
    );
  }
  const people = await listPeople(getPrisma());
  let policyNote: string;
  let policyErrors: { line: number; message: string }[] = [];
  try {
    const { file, policy } = loadGroupPolicy();
    policyNote = file ? `Groups map to roles and teams through ${file} (${policy.rules.length} rules), read at every sign-in.` : "No group policy file (FERRY_POLICY_FILE): people who sign in with an identity provider are viewers of no team.";
    policyErrors = policy.errors;
  } catch (error) {
    policyNote = (error as Error).message;
  }

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-xl font-semibold">People and teams</h1>
        <p className="text-sm text-slate-600">
          Who holds which role and team, and why: the group their identity provider reported and the policy rule that maps it, as of
          their last sign-in or the last refresh of their groups. <Link href="/settings/tokens" className="text-sky-700 underline">API tokens</Link>
        </p>
        <p className="text-sm text-slate-600" data-testid="policy-file">{policyNote}</p>
        {policyErrors.length > 0 && (
          <ul role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
            {policyErrors.map((e) => (
              <li key={e.line}>
                line {e.line}: {e.message} (grants nothing)
              </li>
            ))}
          </ul>
        )}
      </div>
      <DataTable testId="people" headers={["Person", "Signed in with", "Role", "Teams", "Groups reported"]} empty={people.length === 0 ? "Nobody has signed in yet." : undefined}>
        {people.map((p) => (
          <DataRow key={p.id} testId={`person-${p.id}`} top>
            <DataCell>
              <div className="font-medium">{p.name}</div>
              <div className="text-xs text-slate-500">{p.email}</div>
            </DataCell>
            <DataCell className="text-xs text-slate-600" title={p.lastSignInAt?.toISOString()}>
              {p.provider ?? "—"}
              {p.lastSignInAt ? `, ${relativeTime(p.lastSignInAt.toISOString())}` : ""}
            </DataCell>
            <DataCell testId="person-role">
              <div>{describeRole(p.role)}</div>
              <Reasons items={reasonsFor(p, `role:${p.role.toLowerCase()}`)} />
            </DataCell>
            <DataCell testId="person-teams">
              {p.teams.length === 0 ? <span className="text-slate-500">no team</span> : null}
              {p.teams.map((team) => (
                <div key={team} className="mb-1">
                  <div className="font-medium">{team}</div>
                  <Reasons items={reasonsFor(p, `team:${team}`)} />
                </div>
              ))}
            </DataCell>
            <DataCell>
              <div className="font-mono text-xs">{p.groups.join(", ") || "—"}</div>
              {p.provider && p.provider !== "demo" && (
                <div className="text-xs text-slate-500" data-testid="person-groups-refreshed" title={p.groupsRefreshedAt?.toISOString()}>
                  {p.groupsRefreshedAt ? `groups last refreshed ${relativeTime(p.groupsRefreshedAt.toISOString())}` : "groups never refreshed"}
                  {p.groupsKeptFresh ? ", every 5 minutes" : ": at sign-in only (no provider token kept)"}
                </div>
              )}
            </DataCell>
          </DataRow>
        ))}
      </DataTable>
    </div>
  );
}

function Reasons({ items }: { items: string[] }) {
  if (items.length === 0) return null;
  return (
    <ul className="text-xs text-slate-600">
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}
