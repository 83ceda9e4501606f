import { isRecord } from "../yaml";
import type { ClusterSecret } from "./argocd-generators";
import { isEnvLikeName } from "./env-order";

/** More environments than this in selectors is not a list of environments. */
const MAX_INFERRED = 20;

export interface SelectorClusters {
  clusters: ClusterSecret[];
  /** The label keys that name the environment, for the note. */
  keys: string[];
}

/**
 * Add-on ApplicationSets (the "GitOps bridge" shape) pin a version per environment in clusters generators
 * that select clusters by an environment label (`environment: staging` → `addonChartVersion: 1.2.0`),
 * often merged over a base generator that selects by feature labels (`enable_metrics_server: "true"`).
 * The cluster secrets are created outside the repository, but the selectors say which environments
 * exist: one stand-in cluster per environment value, carrying the labels every selector asks for, lets
 * the generators themselves decide what each environment gets. The caller says so in a note.
 */
export function clustersFromSelectors(spec: Record<string, unknown>, envNames: readonly string[], repository?: EnvSelectors): SelectorClusters | undefined {
  const seen = selectorLabels(spec);
  const own = envSelectors(seen, envNames);
  // A set selecting on feature labels only (`enable_linkerd: "true"`) runs in every environment whose
  // clusters carry them: the environments the repository's other sets select on.
  const envs = own ?? (repository && hasClustersGenerator(spec.generators, 0) ? repository : undefined);
  if (!envs) return undefined;
  const others: Record<string, string> = {};
  for (const [k, v] of seen) if (!envs.keys.includes(k) && !(k in others) && k !== "__proto__") others[k] = v;
  // Gitops-bridge templates prefix paths with annotations (`addons_repo_basepath`) whose default is empty.
  const annotations = Object.fromEntries([...JSON.stringify(spec.template ?? null).matchAll(/metadata\.annotations\.([\w.-]+)/g)].map((m) => [m[1] ?? "", ""]));
  const clusters = envs.envs.map((env) => ({
    name: env,
    server: `https://${env}.cluster.invalid`,
    labels: { ...others, ...Object.fromEntries(envs.keys.map((k) => [k, env])) },
    annotations,
  }));
  return { clusters, keys: envs.keys };
}

export interface EnvSelectors {
  keys: string[];
  envs: string[];
}

/** The environment values the clusters generators of all these ApplicationSets select on, together. */
export function repositoryEnvSelectors(specs: readonly Record<string, unknown>[], envNames: readonly string[]): EnvSelectors | undefined {
  return envSelectors(
    specs.flatMap((spec) => selectorLabels(spec)),
    envNames,
  );
}

/** `[label, value]` pairs a cluster must carry for the set's selectors: `In` gives each value, `Exists` "true". */
function selectorLabels(spec: Record<string, unknown>): [string, string][] {
  const selectors: Record<string, unknown>[] = [];
  collectSelectors(spec.generators, selectors, 0);
  const seen: [string, string][] = [];
  for (const s of selectors) {
    if (isRecord(s.matchLabels)) for (const [k, v] of Object.entries(s.matchLabels)) seen.push([k, String(v)]);
    for (const e of Array.isArray(s.matchExpressions) ? s.matchExpressions : []) {
      if (!isRecord(e) || typeof e.key !== "string") continue;
      if (e.operator === "In" && Array.isArray(e.values)) for (const v of e.values) seen.push([e.key, String(v)]);
      if (e.operator === "Exists") seen.push([e.key, "true"]);
    }
  }
  return seen;
}

function envSelectors(seen: readonly [string, string][], envNames: readonly string[]): EnvSelectors | undefined {
  const keys = [...new Set(seen.filter(([, v]) => isEnvLikeName(v, envNames)).map(([k]) => k))];
  if (keys.length === 0) return undefined;
  const envs = [...new Set(seen.filter(([k, v]) => keys.includes(k) && isEnvLikeName(v, envNames)).map(([, v]) => v))];
  return envs.length > MAX_INFERRED ? undefined : { keys, envs };
}

function hasClustersGenerator(generators: unknown, depth: number): boolean {
  if (!Array.isArray(generators) || depth > 3) return false;
  return generators.some((g) => isRecord(g) && (isRecord(g.clusters) || ["matrix", "merge"].some((c) => isRecord(g[c]) && hasClustersGenerator((g[c] as Record<string, unknown>).generators, depth + 1))));
}

function collectSelectors(generators: unknown, out: Record<string, unknown>[], depth: number): void {
  if (!Array.isArray(generators) || depth > 3) return;
  for (const g of generators) {
    if (!isRecord(g)) continue;
    if (isRecord(g.clusters) && isRecord(g.clusters.selector)) out.push(g.clusters.selector);
    for (const combo of ["matrix", "merge"]) {
      const c = g[combo];
      if (isRecord(c)) collectSelectors(c.generators, out, depth + 1);
    }
  }
}
