// File trees of the synthetic org, one generator per GitOps convention Ferry detects. Pure: app
// index in, files out, so a rerun produces byte-identical repositories (and identical blob SHAs).

export type Convention = "kustomize" | "env-folders" | "global-envs" | "flux-helm" | "argocd";

export const CONVENTIONS: readonly Convention[] = ["kustomize", "env-folders", "global-envs", "flux-helm", "argocd"];

/** Promotion order as Ferry ranks it by default: prod-eu, prod-us and production are siblings. */
export const ENVS = ["dev", "qa", "staging", "prod-eu", "prod-us", "production"] as const;
export type Env = (typeof ENVS)[number];

const WORDS = ["checkout", "search", "billing", "auth", "profile", "catalog", "orders", "ledger", "notify", "gateway", "media", "ranking"];

export interface RepoPlan {
  name: string;
  convention: Convention;
  /** First global app index of this repository (app names are unique across the org). */
  firstApp: number;
  apps: number;
  /** Repository-level team (Repository.team); null when teams come from the tree or nowhere. */
  team: string | null;
}

export function appName(globalIndex: number): string {
  return `${WORDS[globalIndex % WORDS.length]}-${String(globalIndex).padStart(4, "0")}`;
}

/**
 * Versions differ between envs: dev is newest, prod stages lag. Every 5th app has prod-us one release
 * behind production and every 7th has qa equal to staging, so drift states are mixed.
 */
export function tagFor(app: number, env: Env): string {
  const minor = app % 10;
  const patch: Record<Env, number> = { dev: 4, qa: app % 7 === 0 ? 2 : 3, staging: 2, "prod-eu": 1, "prod-us": app % 5 === 0 ? 0 : 1, production: 1 };
  return `2.${minor}.${patch[env]}`;
}

export function chartVersionFor(app: number, env: Env): string {
  const stage = ENVS.indexOf(env);
  return `1.${(app % 4) + (stage < 3 ? 3 - stage : 0)}.0`;
}

const image = (app: string) => `ghcr.io/acme/${app}`;

function deployment(app: string, tag: string, replicas = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels: {app: ${app}}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}}
    spec:
      containers:
        - name: ${app}
          image: ${image(app)}:${tag}
          ports: [{containerPort: 8080}]
          resources: {limits: {memory: 256Mi}, requests: {cpu: 50m}}
        - name: proxy
          image: envoyproxy/envoy:v1.29.0
`;
}

const service = (app: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${app}
spec:
  selector: {app: ${app}}
  ports: [{port: 80, targetPort: 8080}]
`;

const configMap = (app: string, env: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-config
data:
  ENV: ${env}
  LOG_LEVEL: ${env === "dev" ? "debug" : "info"}
`;

/** `apps/<app>/base` + `apps/<app>/overlays/<env>` with `images:` (21 files per app). */
function kustomize(tree: Map<string, string>, i: number): void {
  const app = appName(i);
  const root = `apps/${app}`;
  tree.set(`${root}/base/kustomization.yaml`, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\n");
  tree.set(`${root}/base/deployment.yaml`, deployment(app, "1.0.0"));
  tree.set(`${root}/base/service.yaml`, service(app));
  for (const [n, env] of ENVS.entries()) {
    const dir = `${root}/overlays/${env}`;
    tree.set(
      `${dir}/kustomization.yaml`,
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${app}-${env}\nresources:\n  - ../../base\n  - config.yaml\npatches:\n  - path: replicas.yaml\nimages:\n  - name: ${image(app)}\n    newTag: ${tagFor(i, env)}\n`,
    );
    tree.set(`${dir}/replicas.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: ${1 + Math.floor(n / 2)}\n`);
    tree.set(`${dir}/config.yaml`, configMap(app, env));
  }
}

/** Plain manifests per app and env: `apps/<app>/<env>/…` (18 files per app). */
function envFolders(tree: Map<string, string>, i: number): void {
  const app = appName(i);
  for (const env of ENVS) {
    const dir = `apps/${app}/${env}`;
    tree.set(`${dir}/deployment.yaml`, deployment(app, tagFor(i, env), env.startsWith("prod") ? 3 : 1));
    tree.set(`${dir}/service.yaml`, service(app));
    tree.set(`${dir}/configmap.yaml`, configMap(app, env));
  }
}

/** Environments at the root: `<env>/<app>/…` (18 files per app). */
function globalEnvs(tree: Map<string, string>, i: number): void {
  const app = appName(i);
  for (const env of ENVS) {
    tree.set(`${env}/${app}/deployment.yaml`, deployment(app, tagFor(i, env), env.startsWith("prod") ? 3 : 1));
    tree.set(`${env}/${app}/service.yaml`, service(app));
    tree.set(`${env}/${app}/configmap.yaml`, configMap(app, env));
  }
}

/** Flux monorepo: a HelmRelease in `apps/base/<app>`, patched per env in `apps/<env>/<app>` (14 files per app). */
function fluxHelm(tree: Map<string, string>, i: number): void {
  const app = appName(i);
  tree.set(`apps/base/${app}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${app}\nresources:\n  - release.yaml\n`);
  tree.set(
    `apps/base/${app}/release.yaml`,
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${app}\nspec:\n  interval: 30m\n  chart:\n    spec:\n      chart: ${app}\n      version: "1.0.0"\n      sourceRef:\n        kind: HelmRepository\n        name: acme\n        namespace: flux-system\n  values:\n    replicaCount: 1\n`,
  );
  for (const env of ENVS) {
    const dir = `apps/${env}/${app}`;
    tree.set(`${dir}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base/${app}\npatches:\n  - path: values.yaml\n`);
    tree.set(
      `${dir}/values.yaml`,
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${app}\nspec:\n  chart:\n    spec:\n      version: "${chartVersionFor(i, env)}"\n  values:\n    replicaCount: ${env.startsWith("prod") ? 3 : 1}\n`,
    );
  }
}

/** One Argo CD Application per app and env, Helm chart from a chart repository (6 files per app). */
function argocd(tree: Map<string, string>, i: number, team: string): void {
  const app = appName(i);
  for (const env of ENVS) {
    tree.set(
      `argocd/${env}/${app}.yaml`,
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${app}-${env}\n  namespace: argocd\nspec:\n  project: ${team}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${app}-${env}\n  source:\n    repoURL: https://charts.acme.io\n    chart: ${app}\n    targetRevision: ${chartVersionFor(i, env)}\n    helm:\n      valuesObject:\n        image:\n          repository: ${image(app)}\n          tag: ${tagFor(i, env)}\n`,
    );
  }
}

/** Per-repository files that are not per app (Flux cluster wiring, Ferry config, README). */
function repoFiles(tree: Map<string, string>, plan: RepoPlan): void {
  tree.set("README.md", `# ${plan.name}\n\nSynthetic GitOps repository (${plan.convention}) generated by scripts/bench.\n`);
  if (plan.convention === "flux-helm") {
    for (const env of ENVS) {
      const apps = Array.from({ length: plan.apps }, (_, k) => `  - ${appName(plan.firstApp + k)}`).join("\n");
      tree.set(`apps/${env}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${apps}\n`);
      tree.set(
        `clusters/${env}/apps.yaml`,
        `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m0s\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  path: ./apps/${env}\n  prune: true\n`,
      );
    }
  }
  if (plan.convention === "global-envs") {
    // Teams from the tree's own config, by name glob (the other conventions get theirs elsewhere).
    const teams = WORDS.slice(0, 4).map((w) => `  ${w}-team: ["${w}-*"]`).join("\n");
    tree.set(".ferry/config.yaml", `teams:\n${teams}\n`);
  }
}

export function repoTree(plan: RepoPlan): Map<string, string> {
  const tree = new Map<string, string>();
  repoFiles(tree, plan);
  for (let k = 0; k < plan.apps; k++) {
    const i = plan.firstApp + k;
    switch (plan.convention) {
      case "kustomize":
        kustomize(tree, i);
        break;
      case "env-folders":
        envFolders(tree, i);
        break;
      case "global-envs":
        globalEnvs(tree, i);
        break;
      case "flux-helm":
        fluxHelm(tree, i);
        break;
      case "argocd":
        argocd(tree, i, `team-${plan.name.slice(-2)}`);
        break;
    }
  }
  return tree;
}

/** 20 repositories × 100 apps, conventions round-robin; kustomize and Flux repos carry a repo-level team. */
export function planOrg(repositories = 20, appsPerRepo = 100): RepoPlan[] {
  return Array.from({ length: repositories }, (_, r) => {
    const convention = CONVENTIONS[r % CONVENTIONS.length]!;
    const nn = String(r + 1).padStart(2, "0");
    const team = convention === "kustomize" || convention === "flux-helm" ? `team-${nn}` : null;
    return { name: `${convention}-${nn}`, convention, firstApp: r * appsPerRepo, apps: appsPerRepo, team };
  });
}
