"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { matrixQueryString, toggleEnvironment, type MatrixQuery } from "@/lib/data/matrix-query";

interface Props {
  query: MatrixQuery;
  teams: string[];
  environments: string[];
  /** Whether a live-state source is connected: only then can cells be out of sync or unhealthy. */
  liveState?: boolean;
}

// Every change rewrites the URL (replace, not push, for typing) so the view is shareable.
export function MatrixFilters({ query, teams, environments, liveState = false }: Props) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const [text, setText] = useState(query.q ?? "");
  // The searches the box has sent to the URL and not seen come back yet. When the URL's search
  // changes otherwise (a removed filter chip, "clear filters", back/forward), the box follows it;
  // its own updates arriving late never clobber what is being typed.
  const [sentQ, setSentQ] = useState<string[]>([]);
  const [seenQ, setSeenQ] = useState(query.q ?? "");
  const urlQ = query.q ?? "";
  if (urlQ !== seenQ) {
    setSeenQ(urlQ);
    const own = sentQ.indexOf(urlQ);
    if (own >= 0) setSentQ(sentQ.slice(own + 1));
    else {
      setSentQ([]);
      setText(urlQ);
    }
  }

  const go = (next: Partial<MatrixQuery>) => {
    if ("q" in next && (next.q ?? "") !== urlQ) setSentQ((sent) => [...sent, next.q ?? ""]);
    startTransition(() => router.replace(`${pathname}${matrixQueryString({ ...query, page: 1, ...next })}`));
  };

  useEffect(() => {
    if ((query.q ?? "") === text) return;
    const timer = setTimeout(() => go({ q: text.trim() || null }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  // `env` in the URL lists the environments shown (none: all of them); unticking one hides it.
  const shown = (env: string) => query.envs.length === 0 || query.envs.includes(env);
  const onlyShown = (env: string) => shown(env) && environments.filter(shown).length === 1;
  const toggleEnv = (env: string) => go({ envs: toggleEnvironment(query.envs, environments, env) });

  return (
    <form role="search" aria-label="Filter the matrix" className="flex flex-wrap items-end gap-4" onSubmit={(e) => e.preventDefault()}>
      <label className="flex flex-col text-xs font-medium text-slate-600">
        Search
        <input
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="app, team, version…"
          className="mt-1 w-56 rounded border border-slate-300 bg-white px-2 py-1.5 text-sm"
        />
      </label>
      <label className="flex flex-col text-xs font-medium text-slate-600">
        Team
        <select value={query.team ?? ""} onChange={(e) => go({ team: e.target.value || null })} className="mt-1 rounded border border-slate-300 bg-white px-2 py-1.5 text-sm">
          <option value="">All teams</option>
          {teams.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="flex flex-col text-xs font-medium text-slate-600">
        <legend>Environments</legend>
        <div className="mt-1 flex gap-2">
          {environments.map((env) => (
            <label key={env} className="flex items-center gap-1 text-sm font-normal text-slate-800">
              <input
                type="checkbox"
                checked={shown(env)}
                disabled={onlyShown(env)}
                title={onlyShown(env) ? "At least one environment stays shown" : undefined}
                onChange={() => toggleEnv(env)}
              />
              {env}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="flex items-center gap-2 pb-1.5 text-sm">
        <input type="checkbox" checked={query.onlyDrift} onChange={(e) => go({ onlyDrift: e.target.checked })} />
        Only drift
      </label>
      {liveState || query.onlyLiveProblems ? (
        <label className="flex items-center gap-2 pb-1.5 text-sm">
          <input type="checkbox" checked={query.onlyLiveProblems ?? false} onChange={(e) => go({ onlyLiveProblems: e.target.checked })} />
          Only out of sync or unhealthy
        </label>
      ) : null}
      {pending ? <span className="pb-1.5 text-xs text-slate-500" role="status">Updating…</span> : null}
    </form>
  );
}
