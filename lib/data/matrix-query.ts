import { z } from "zod";

// The matrix view lives in the URL so a link reproduces it. Unknown or malformed parameters are
// dropped rather than failing the page: a stale bookmark still opens.
export interface MatrixQuery {
  team: string | null;
  app: string | null;
  envs: string[];
  q: string | null;
  onlyDrift: boolean;
  page: number;
}

type Params = Record<string, string | string[] | undefined>;

const name = z.string().trim().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i);
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function parseMatrixQuery(params: Params): MatrixQuery {
  const team = name.safeParse(first(params.team));
  const app = name.safeParse(first(params.app));
  const envList = (Array.isArray(params.env) ? params.env : (params.env ?? "").split(","))
    .map((e) => e.trim())
    .filter((e) => name.safeParse(e).success);
  const q = first(params.q)?.trim().slice(0, 100);
  const page = Number.parseInt(first(params.page) ?? "1", 10);
  return {
    team: team.success ? team.data : null,
    app: app.success ? app.data : null,
    envs: [...new Set(envList)],
    q: q ? q : null,
    onlyDrift: first(params.drift) === "1",
    page: Number.isFinite(page) && page > 0 && page < 100_000 ? page : 1,
  };
}

/** The URL search string for a query (omitting defaults), so links and the filter form agree. */
export function matrixQueryString(query: Partial<MatrixQuery>): string {
  const out = new URLSearchParams();
  if (query.team) out.set("team", query.team);
  if (query.app) out.set("app", query.app);
  if (query.envs?.length) out.set("env", query.envs.join(","));
  if (query.q) out.set("q", query.q);
  if (query.onlyDrift) out.set("drift", "1");
  if (query.page && query.page > 1) out.set("page", String(query.page));
  const s = out.toString();
  return s ? `?${s}` : "";
}
