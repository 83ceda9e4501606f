import { z } from "zod";

// The matrix view lives in the URL so a link reproduces it. Unknown or malformed parameters are
// dropped rather than failing the page: a stale bookmark still opens.
export interface MatrixQuery {
  team: string | null;
  app: string | null;
  envs: string[];
  q: string | null;
  onlyDrift: boolean;
  /** Only apps with a cell whose live state is out of sync or not healthy (`live=problems`). */
  onlyLiveProblems?: boolean;
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
  // A NUL byte cannot reach Postgres (the search would fail the page): it is dropped like other malformed input.
  const q = first(params.q)?.replaceAll("\u0000", "").trim().slice(0, 100);
  const page = Number.parseInt(first(params.page) ?? "1", 10);
  return {
    team: team.success ? team.data : null,
    app: app.success ? app.data : null,
    envs: [...new Set(envList)],
    q: q ? q : null,
    onlyDrift: first(params.drift) === "1",
    ...(first(params.live) === "problems" ? { onlyLiveProblems: true } : {}),
    page: Number.isFinite(page) && page > 0 && page < 100_000 ? page : 1,
  };
}

/** The query of a URL's search params, read as Next.js gives a page its searchParams (an array only for a repeated key). */
export function parseMatrixSearch(search: URLSearchParams): MatrixQuery {
  const values = (key: string) => search.getAll(key);
  return parseMatrixQuery(Object.fromEntries([...new Set(search.keys())].map((key) => [key, values(key).length > 1 ? values(key) : values(key)[0]])));
}

/**
 * The environments shown after ticking or unticking `env` in the filter. `shown` is the query's
 * `envs` (empty: every environment), `all` every environment in promotion order. The result is
 * again what is shown (empty when that is every environment), so the URL, the checkboxes and a
 * reload agree. Hiding the last shown environment is not a view: `shown` is returned unchanged.
 */
export function toggleEnvironment(shown: readonly string[], all: readonly string[], env: string): string[] {
  const current = shown.length ? [...shown] : [...all];
  const next = current.includes(env) ? current.filter((e) => e !== env) : [...current, env];
  if (next.length === 0) return [...shown];
  const rank = (e: string) => (all.includes(e) ? all.indexOf(e) : all.length);
  next.sort((a, b) => rank(a) - rank(b));
  if (all.length > 0 && next.length === all.length && all.every((e) => next.includes(e))) return [];
  return next;
}

/** One active filter of the matrix, as a removable chip: what it says and the query without it. */
export interface ActiveFilter {
  key: string;
  label: string;
  without: MatrixQuery;
}

/**
 * Every filter that narrows the matrix, so none is invisible: team, app, search, drift, and each
 * hidden environment (or an environment the URL names that does not exist).
 */
export function activeFilters(query: MatrixQuery, all: readonly string[]): ActiveFilter[] {
  const base = { ...query, page: 1 };
  const out: ActiveFilter[] = [];
  if (query.team) out.push({ key: "team", label: `team ${query.team}`, without: { ...base, team: null } });
  if (query.app) out.push({ key: "app", label: `app ${query.app}`, without: { ...base, app: null } });
  if (query.q) out.push({ key: "q", label: `search "${query.q}"`, without: { ...base, q: null } });
  if (query.onlyDrift) out.push({ key: "drift", label: "only drift", without: { ...base, onlyDrift: false } });
  if (query.onlyLiveProblems) out.push({ key: "live", label: "only out of sync or unhealthy", without: { ...base, onlyLiveProblems: false } });
  if (query.envs.length) {
    for (const env of all) {
      if (!query.envs.includes(env)) out.push({ key: `env-${env}`, label: `${env} hidden`, without: { ...base, envs: toggleEnvironment(query.envs, all, env) } });
    }
    for (const env of query.envs) {
      if (all.includes(env)) continue;
      const rest = query.envs.filter((e) => e !== env);
      out.push({ key: `env-${env}`, label: `environment ${env} (unknown)`, without: { ...base, envs: rest } });
    }
  }
  return out;
}

/** The URL search string for a query (omitting defaults), so links and the filter form agree. */
export function matrixQueryString(query: Partial<MatrixQuery>): string {
  const out = new URLSearchParams();
  if (query.team) out.set("team", query.team);
  if (query.app) out.set("app", query.app);
  if (query.envs?.length) out.set("env", query.envs.join(","));
  if (query.q) out.set("q", query.q);
  if (query.onlyDrift) out.set("drift", "1");
  if (query.onlyLiveProblems) out.set("live", "problems");
  if (query.page && query.page > 1) out.set("page", String(query.page));
  const s = out.toString();
  return s ? `?${s}` : "";
}
