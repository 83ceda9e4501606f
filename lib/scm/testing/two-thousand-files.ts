// A synthetic GitOps repository of 2,000 files for counting what reading it costs at a forge
// (lib/scm/forge-read-cost.int.test.ts, scripts/bench/forge-read-bench.ts): 100 apps, each a
// kustomize base and three environment overlays.

const APPS = 100;
const ENVS = ["dev", "staging", "prod"];

/** 100 apps × (4 base files + 3 environments × 5 files + a README) = 2,000 files. */
export function benchFiles(version = "1.0.0"): Record<string, string> {
  const files: Record<string, string> = {};
  for (let a = 0; a < APPS; a++) {
    const app = `app-${String(a).padStart(3, "0")}`;
    const base = `apps/${app}/base`;
    files[`apps/${app}/README.md`] = `# ${app}\n`;
    files[`${base}/kustomization.yaml`] = "resources:\n  - deployment.yaml\n  - service.yaml\n  - configmap.yaml\n";
    files[`${base}/deployment.yaml`] = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${app}\n          image: registry.example.com/${app}:${version}\n`;
    files[`${base}/service.yaml`] = `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  ports:\n    - port: 80\n`;
    files[`${base}/configmap.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}\ndata:\n  LOG_LEVEL: info\n`;
    for (const env of ENVS) {
      const dir = `apps/${app}/overlays/${env}`;
      files[`${dir}/kustomization.yaml`] = `resources:\n  - ../../base\nnamespace: ${app}-${env}\nimages:\n  - name: registry.example.com/${app}\n    newTag: ${version}\npatches:\n  - path: replicas.yaml\n  - path: resources.yaml\n`;
      files[`${dir}/replicas.yaml`] = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: ${env === "prod" ? 3 : 1}\n`;
      files[`${dir}/resources.yaml`] = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${app}\n          resources: {}\n`;
      files[`${dir}/env-config.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}-env\ndata:\n  ENV: ${env}\n`;
      files[`${dir}/values.yaml`] = `image:\n  tag: ${version}\n`;
    }
  }
  return files;
}

export function envFolders(): string[] {
  const folders: string[] = [];
  for (let a = 0; a < APPS; a++) for (const env of ENVS) folders.push(`apps/app-${String(a).padStart(3, "0")}/overlays/${env}`);
  return folders;
}

export const CHANGED_FILE = "apps/app-007/overlays/prod/kustomization.yaml";

