import type { FileTree, RepoModel } from "../model";
import { CONFIG_FILE } from "../config";
import { dirname } from "./safe-path";

// What a scaffold can learn from the repository itself, so generated files look like their
// neighbours: where apps live, which namespace and cluster an environment uses, which file wires it.

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

export const IN_CLUSTER = "https://kubernetes.default.svc";

/**
 * The URL other manifests use for repository `name` (e.g. `https://git.acme.example/payments/payments-gitops.git`),
 * found in `repoURL:`/`url:` fields ending in `/<name>` or `/<name>.git`; else `fallback`.
 */
export function repoUrlOf(tree: FileTree, name: string, fallback: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`^\\s*(?:-\\s*)?(?:repoURL|url):\\s*["']?([^"'\\s#]+/${escaped}(?:\\.git)?)["']?\\s*(?:#.*)?$`, "gm");
  const found: string[] = [];
  for (const [path, content] of tree) {
    if (!/\.ya?ml$/.test(path)) continue;
    for (const m of content.matchAll(re)) found.push(m[1]!);
  }
  return mostCommon(found) ?? fallback;
}

/** Folder holding an app's folders, from the team's (else any) apps: `apps` for `apps/checkout`. */
export function appsDirOf(model: RepoModel, team: string): string {
  const parents = (apps: RepoModel["apps"]) => apps.filter((a) => a.path.endsWith(`/${a.name}`) && !a.path.split("/").includes("base")).map((a) => dirname(a.path));
  return mostCommon(parents(model.apps.filter((a) => a.team === team))) ?? mostCommon(parents(model.apps)) ?? "apps";
}

/**
 * The folder an app's environments sit in (`overlays` for `apps/shop/overlays/dev`, `envs` for
 * `apps/shop/envs/dev`), from the apps already under `appsDir`: reconcilers watch that exact shape.
 */
export function envFolderOf(model: RepoModel, appsDir: string): string {
  const found = model.deployments.flatMap((d) => {
    const parts = d.path.split("/");
    const base = appsDir === "" ? [] : appsDir.split("/");
    if (parts.length !== base.length + 3 || parts[parts.length - 1] !== d.env || !base.every((b, i) => parts[i] === b)) return [];
    const folder = parts[base.length + 1] ?? "";
    return /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/.test(folder) && folder !== d.app ? [folder] : [];
  });
  return mostCommon(found) ?? "overlays";
}

/** Folder of per-app Argo CD Applications (`argocd` in payments-gitops). */
export function argocdDirOf(model: RepoModel): string {
  const wired = model.deployments.flatMap((d) => (d.destination?.wiredBy && d.destination.wiredBy !== d.path ? [dirname(d.destination.wiredBy)] : []));
  return mostCommon(wired.filter((w) => w !== "")) ?? "argocd";
}

export interface EnvFacts {
  namespace: string;
  cluster: string;
  /** The file that wires this environment's apps (Flux `clusters/<env>/apps.yaml`). */
  wiringFile: string;
  protected: boolean;
}

/** Namespace, cluster and wiring of `env` as the team's (else any) deployments there use them. */
export function envFacts(model: RepoModel, team: string, env: string): EnvFacts {
  const teamApps = new Set(model.apps.filter((a) => a.team === team).map((a) => a.name));
  const inEnv = model.deployments.filter((d) => d.env === env);
  const ours = inEnv.filter((d) => teamApps.has(d.app));
  const pick = (f: (d: RepoModel["deployments"][number]) => string | undefined) =>
    mostCommon(ours.flatMap((d) => (f(d) ? [f(d)!] : []))) ?? mostCommon(inEnv.flatMap((d) => (f(d) ? [f(d)!] : [])));
  const namespace = mostCommon(ours.flatMap((d) => (d.destination?.namespace ? [d.destination.namespace] : []))) ?? `${team}-${env}`;
  const clusterValue = pick((d) => d.destination?.cluster);
  // A Flux destination names the cluster folder, not an API server: keep it only as a name.
  const cluster = clusterValue ?? IN_CLUSTER;
  const shared = inEnv.map((d) => d.destination?.wiredBy).filter((w): w is string => !!w && inEnv.filter((x) => x.destination?.wiredBy === w).length > 1);
  const wiringFile = mostCommon(shared) ?? `clusters/${env}/apps.yaml`;
  return { namespace, cluster, wiringFile, protected: model.environments.find((e) => e.name === env)?.protected ?? false };
}

/** Whether the repository config assigns apps to teams (then a new app is added to its team's list). */
export function teamConfigured(tree: FileTree): boolean {
  return /^teams:/m.test(tree.get(CONFIG_FILE) ?? "");
}

/** Where a tenant already lives in a platform repository, if it does. */
export function tenantLocation(tree: FileTree, model: RepoModel, name: string): string | null {
  const candidates = [`tenants/${name}/`, `tenants/base/${name}/`, `argocd/projects/${name}.yaml`, `argocd/applications/${name}.yaml`];
  for (const c of candidates) {
    if (c.endsWith("/") ? [...tree.keys()].some((p) => p.startsWith(c)) : tree.has(c)) return c;
  }
  const envFolder = [...tree.keys()].find((p) => new RegExp(`^tenants/[^/]+/${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/`).test(p));
  if (envFolder) return envFolder.split("/").slice(0, 3).join("/") + "/";
  if (model.teams.some((t) => t.name === name)) return "(declared by the repository's manifests or config)";
  return null;
}
