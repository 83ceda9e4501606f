// The Flux-platform org of the index benchmark (`npm run bench:index -- --org flux`): 20 repositories,
// each a Flux platform repo with four clusters (dev, staging, production-eu, production-us), shared
// infrastructure per tier and 95 apps, every release a HelmRelease whose chart comes through `chartRef`
// from an OCIRepository. 20 × (5 infrastructure + 95 app) = 2,000 HelmReleases, 8,000 deployments.
// Pure like conventions.ts: a rerun writes byte-identical repositories.
//
//   clusters/<cluster>/flux-system/gotk-sync.yaml       GitRepository + Kustomization of ./clusters/<cluster>
//   clusters/<cluster>/infrastructure.yaml              Flux Kustomization of ./infrastructure/<tier>
//   clusters/<cluster>/apps.yaml                        Flux Kustomization of ./apps/<cluster> (dependsOn infrastructure)
//   infrastructure/base/<component>/{source,release}.yaml   OCIRepository (no ref) + HelmRelease chartRef
//   infrastructure/<tier>/<component>.yaml              the tier's OCIRepository ref (tag)
//   apps/base/<app>/{source,release}.yaml               OCIRepository (no ref) + HelmRelease chartRef
//   apps/<cluster>/<app>.yaml                           the cluster's OCIRepository ref (tag, or semver range)
import { appName } from "./conventions";
import { generateRepos, type BenchRepo, type BenchRepoPlan, type GenerateOptions } from "./generate-org";
import type { IncrementalPick } from "./sync-phase";

/** Bump when the generator changes, so a stale org is regenerated without --fresh. */
const FLUX_ORG_VERSION = 1;

export const CLUSTERS = ["dev", "staging", "production-eu", "production-us"] as const;
export type Cluster = (typeof CLUSTERS)[number];

/** Infrastructure is shared per tier: dev and staging reconcile one folder, the production clusters another. */
const TIER: Record<Cluster, "non-production" | "production"> = { dev: "non-production", staging: "non-production", "production-eu": "production", "production-us": "production" };

const INFRA = [
  { name: "cert-manager", chart: "oci://quay.io/jetstack/charts/cert-manager", versions: { "non-production": "v1.17.1", production: "v1.16.3" } },
  { name: "ingress-nginx", chart: "oci://ghcr.io/acme/platform-charts/ingress-nginx", versions: { "non-production": "4.12.1", production: "4.11.5" } },
  { name: "external-dns", chart: "oci://ghcr.io/acme/platform-charts/external-dns", versions: { "non-production": "1.15.2", production: "1.15.2" } },
  { name: "kube-prometheus-stack", chart: "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack", versions: { "non-production": "69.8.2", production: "68.4.0" } },
  { name: "kyverno", chart: "oci://ghcr.io/acme/platform-charts/kyverno", versions: { "non-production": "3.3.7", production: "3.3.4" } },
] as const;

export interface FluxRepoPlan extends BenchRepoPlan {
  /** First global app index of this repository (app names are unique across the org). */
  firstApp: number;
}

const ociRepository = (name: string, url: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: ${name}
spec:
  interval: 10m
  url: ${url}
  layerSelector:
    mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
    operation: copy
`;

const helmRelease = (name: string, replicas: number) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
spec:
  interval: 30m
  releaseName: ${name}
  chartRef:
    kind: OCIRepository
    name: ${name}
  install:
    remediation:
      retries: 3
  values:
    replicaCount: ${replicas}
`;

/** The per-cluster (or per-tier) patch that pins an OCIRepository: `tag`, or a `semver` range. */
const refPatch = (name: string, ref: { tag: string } | { semver: string }) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: ${name}
spec:
  ref:
    ${"tag" in ref ? `tag: "${ref.tag}"` : `semver: "${ref.semver}"`}
`;

const kustomization = (resources: string[], patches: string[], namespace?: string) =>
  [
    "apiVersion: kustomize.config.k8s.io/v1beta1",
    "kind: Kustomization",
    ...(namespace ? [`namespace: ${namespace}`] : []),
    "resources:",
    ...resources.map((r) => `  - ${r}`),
    ...(patches.length ? ["patches:", ...patches.flatMap((name) => [`  - path: ${name}.yaml`, "    target:", "      kind: OCIRepository", `      name: ${name}`])] : []),
    "",
  ].join("\n");

const fluxKustomization = (name: string, path: string, dependsOn?: string) =>
  [
    "apiVersion: kustomize.toolkit.fluxcd.io/v1",
    "kind: Kustomization",
    "metadata:",
    `  name: ${name}`,
    "  namespace: flux-system",
    "spec:",
    ...(dependsOn ? ["  dependsOn:", `    - name: ${dependsOn}`] : []),
    "  interval: 10m0s",
    "  retryInterval: 2m",
    "  sourceRef:",
    "    kind: GitRepository",
    "    name: flux-system",
    `  path: ./${path}`,
    "  prune: true",
    "  wait: true",
    "",
  ].join("\n");

/**
 * Chart version of an app in a cluster: dev newest, production-us one patch behind production-eu for
 * every 5th app; dev follows a semver range (floating) for every 4th app.
 */
export function fluxRefFor(app: number, cluster: Cluster): { tag: string } | { semver: string } {
  const minor = app % 10;
  if (cluster === "dev" && app % 4 === 0) return { semver: `>=1.${minor}.0 <2.0.0` };
  const patch: Record<Cluster, number> = { dev: 3, staging: 2, "production-eu": 1, "production-us": app % 5 === 0 ? 0 : 1 };
  return { tag: `1.${minor}.${patch[cluster]}` };
}

export function fluxRepoTree(plan: FluxRepoPlan): Map<string, string> {
  const tree = new Map<string, string>();
  const apps = Array.from({ length: plan.apps - INFRA.length }, (_, k) => plan.firstApp + k);
  tree.set("README.md", `# ${plan.name}\n\nSynthetic Flux platform repository (4 clusters, shared infrastructure, HelmReleases from OCIRepositories) generated by scripts/bench.\n`);

  for (const cluster of CLUSTERS) {
    const dir = `clusters/${cluster}`;
    tree.set(
      `${dir}/flux-system/gotk-sync.yaml`,
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  url: ssh://git@git.acme.example/platform/${plan.name}
  secretRef:
    name: flux-system
---
${fluxKustomization("flux-system", dir)}`,
    );
    tree.set(`${dir}/flux-system/kustomization.yaml`, kustomization(["gotk-sync.yaml"], []));
    tree.set(`${dir}/infrastructure.yaml`, fluxKustomization("infrastructure", `infrastructure/${TIER[cluster]}`));
    tree.set(`${dir}/apps.yaml`, fluxKustomization("apps", `apps/${cluster}`, "infrastructure"));
  }

  for (const c of INFRA) {
    const base = `infrastructure/base/${c.name}`;
    tree.set(`${base}/kustomization.yaml`, kustomization(["source.yaml", "release.yaml"], [], c.name));
    tree.set(`${base}/source.yaml`, ociRepository(c.name, c.chart));
    tree.set(`${base}/release.yaml`, helmRelease(c.name, 2));
  }
  for (const tier of ["non-production", "production"] as const) {
    tree.set(
      `infrastructure/${tier}/kustomization.yaml`,
      kustomization(
        INFRA.map((c) => `../base/${c.name}`),
        INFRA.map((c) => c.name),
      ),
    );
    for (const c of INFRA) tree.set(`infrastructure/${tier}/${c.name}.yaml`, refPatch(c.name, { tag: c.versions[tier] }));
  }

  for (const i of apps) {
    const app = appName(i);
    const base = `apps/base/${app}`;
    tree.set(`${base}/kustomization.yaml`, kustomization(["source.yaml", "release.yaml"], [], app));
    tree.set(`${base}/source.yaml`, ociRepository(app, `oci://ghcr.io/acme/charts/${app}`));
    tree.set(`${base}/release.yaml`, helmRelease(app, 1));
  }
  for (const cluster of CLUSTERS) {
    const names = apps.map(appName);
    tree.set(
      `apps/${cluster}/kustomization.yaml`,
      kustomization(
        names.map((a) => `../base/${a}`),
        names,
      ),
    );
    for (const i of apps) tree.set(`apps/${cluster}/${appName(i)}.yaml`, refPatch(appName(i), fluxRefFor(i, cluster)));
  }
  return tree;
}

/** 20 repositories × 100 HelmReleases (5 infrastructure + 95 apps), each with a repository-level team. */
export function planFluxOrg(repositories = 20, releasesPerRepo = 100): FluxRepoPlan[] {
  const appsPerRepo = releasesPerRepo - INFRA.length;
  return Array.from({ length: repositories }, (_, r) => {
    const nn = String(r + 1).padStart(2, "0");
    // Global app indexes from 10,000: no name clashes with the default org's apps.
    return { name: `flux-platform-${nn}`, convention: "flux-platform", firstApp: 10_000 + r * appsPerRepo, apps: releasesPerRepo, team: `platform-${nn}` };
  });
}

export function generateFluxOrg(options: GenerateOptions): Promise<{ repos: BenchRepo<FluxRepoPlan>[]; generated: boolean; ms: number }> {
  return generateRepos(options, { version: FLUX_ORG_VERSION, plans: planFluxOrg(), tree: fluxRepoTree });
}

/** The incremental phase on this org: a chart tag bump in five clusters' OCIRepository patches of one repository. */
export function fluxPicks(repo: BenchRepo<FluxRepoPlan>): IncrementalPick[] {
  const appsHere = repo.apps - INFRA.length;
  return [3, 17, 42, 66, 91].map((k, n) => {
    const i = repo.firstApp + (k % appsHere);
    let cluster: Cluster = CLUSTERS[(n + 1) % CLUSTERS.length]!;
    // A semver range has no tag to bump.
    if ("semver" in fluxRefFor(i, cluster)) cluster = "staging";
    const app = appName(i);
    return { app, env: cluster, file: `apps/${cluster}/${app}.yaml`, edit: (c, tag) => c.replace(/tag: "[^"]*"/, `tag: "${tag}"`) };
  });
}
