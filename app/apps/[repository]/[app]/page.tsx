import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { urlName } from "@/lib/actions/input";
import { getPrisma } from "@/lib/db/client";
import { getAppDetail, getRecentCommits } from "@/lib/data/app-detail";
import { AppHistory } from "@/components/history/app-history";
import { relativeTime } from "@/components/matrix/relative-time";

type Params = Promise<{ repository: string; app: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { app } = await params;
  return { title: urlName(app) ?? "App not found" };
}

export default async function AppPage({ params }: { params: Params }) {
  const user = await requireUser();
  const { repository, app } = await params;
  const prisma = getPrisma();
  const [repositoryName, appName] = [urlName(repository), urlName(app)];
  if (repositoryName === null || appName === null) notFound();
  const detail = await getAppDetail(prisma, repositoryName, appName);
  if (!detail) notFound();
  const recent = await getRecentCommits(prisma, detail);

  return (
    <div className="flex flex-col gap-6">
      <div>
        {/* Back to the whole matrix: a filter added here would be one the person never chose. */}
        <Link href="/" className="text-sm text-sky-700 underline">
          ← matrix
        </Link>
        <h1 className="mt-1 text-xl font-semibold">{detail.name}</h1>
        <p className="text-sm text-slate-600">
          {detail.team ? `Team ${detail.team}` : "No team"} · repository {detail.repository.name} ({detail.repository.provider}) · <span className="font-mono">{detail.path}</span>
        </p>
      </div>

      <section aria-labelledby="envs" className="flex flex-col gap-3">
        <h2 id="envs" className="text-lg font-medium">
          Environments
        </h2>
        {detail.environments.map((env) => (
          <article key={env.env} id={`env-${env.env}`} className="rounded-lg border border-slate-200 bg-white p-4" data-testid={`env-${env.env}`}>
            <header className="flex flex-wrap items-baseline gap-2">
              <h3 className="font-semibold">{env.env}</h3>
              {env.protected ? <span className="rounded bg-slate-200 px-1 text-[10px] uppercase">protected</span> : null}
              <span className="font-mono text-xs text-slate-500">{env.path}</span>
              {env.lastCommit ? (
                <span className="text-xs text-slate-500">
                  last changed <span className="font-mono">{env.lastCommit.sha.slice(0, 7)}</span> by {env.lastCommit.by} {relativeTime(env.lastCommit.at)}
                </span>
              ) : null}
            </header>
            {env.errors.length ? (
              <ul className="mt-2 list-disc pl-5 text-sm text-red-800">
                {env.errors.map((e, i) => (
                  <li key={i}>{e}</li>
                ))}
              </ul>
            ) : null}
            <table className="mt-2 w-full text-sm">
              <thead className="text-left text-xs text-slate-500">
                <tr>
                  <th className="py-1 font-medium">Kind</th>
                  <th className="py-1 font-medium">Name</th>
                  <th className="py-1 font-medium">Version</th>
                  <th className="py-1 font-medium">File and field</th>
                </tr>
              </thead>
              <tbody>
                {env.versions.map((v, i) => (
                  <tr key={i} className="border-t border-slate-100">
                    <td className="py-1">{v.kind}</td>
                    <td className="py-1 font-mono text-xs">{v.name}</td>
                    <td className="py-1 font-mono text-xs">
                      {v.value ?? "—"}
                      {v.digest ? <span className="text-slate-500"> @{v.digest.slice(0, 19)}…</span> : null}
                      {v.floating ? <span className="ml-1 rounded bg-yellow-200 px-1 font-sans text-[10px] uppercase">floating</span> : null}
                    </td>
                    <td className="py-1 font-mono text-xs text-slate-600">
                      {v.file} → {v.field}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {env.files.length ? (
              <details className="mt-2 text-xs text-slate-600">
                <summary className="cursor-pointer">{env.files.length} files in this environment</summary>
                <ul className="mt-1 font-mono">
                  {env.files.map((f) => (
                    <li key={f}>{f}</li>
                  ))}
                </ul>
              </details>
            ) : null}
          </article>
        ))}
      </section>

      <AppHistory detail={detail} user={user} />

      <section aria-labelledby="commits">
        <h2 id="commits" className="text-lg font-medium">
          Recent commits
        </h2>
        {recent.error ? <p className="text-sm text-amber-800">{recent.error}</p> : null}
        <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm" data-testid="recent-commits">
          {recent.commits.map((c) => (
            <li key={c.sha} className="flex gap-3 px-3 py-2">
              <span className="font-mono text-xs text-slate-500">{c.sha.slice(0, 7)}</span>
              <span className="flex-1">{c.message.split("\n")[0]}</span>
              <span className="text-xs text-slate-500">
                {c.author} · {relativeTime(c.date.toISOString())}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
