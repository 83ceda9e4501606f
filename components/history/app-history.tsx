import { authorize, type Actor } from "@/lib/auth/policy";
import { getPrisma } from "@/lib/db/client";
import type { AppDetail } from "@/lib/data/app-detail";
import { getAppHistories } from "@/lib/data/cell-history";
import { CellHistoryList } from "./cell-history-list";

/** The app page's history: per environment, the versions it ran (from the cache), with rollback for those who may promote. */
export async function AppHistory({ detail, user }: { detail: AppDetail; user: Actor }) {
  const histories = await getAppHistories(getPrisma(), detail.id);
  const now = new Date().toISOString();
  return (
    <section aria-labelledby="history" className="flex flex-col gap-3">
      <h2 id="history" className="text-lg font-medium">
        History
      </h2>
      <p className="text-xs text-slate-500">
        Every version each environment ran, newest first, from the repository&apos;s history (the last 50 changes of the files holding its versions).
      </p>
      <div className="grid gap-3 md:grid-cols-2">
        {detail.environments.map((env) => {
          const history = histories.get(env.env);
          if (!history) return null;
          const canRollBack = authorize(user, "deployment.promote", { team: detail.team, env: env.env, protectedEnv: env.protected }).allowed;
          return (
            <article key={env.env} className="rounded-lg border border-slate-200 bg-white p-3" aria-labelledby={`history-${env.env}`}>
              <h3 id={`history-${env.env}`} className="mb-1 text-sm font-semibold">
                {env.env}
              </h3>
              <CellHistoryList repository={detail.repository.name} app={detail.name} env={env.env} history={history} canRollBack={canRollBack} now={now} />
            </article>
          );
        })}
      </div>
    </section>
  );
}
