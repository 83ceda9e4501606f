/** A synthetic env-per-app kustomize monorepo: `apps` apps × 3 envs, 12 files per app. */
export function syntheticRepo(apps: number): Map<string, string> {
  const tree = new Map<string, string>();
  for (let i = 0; i < apps; i++) {
    const app = `app-${String(i).padStart(4, "0")}`;
    const root = `apps/${app}`;
    tree.set(`${root}/base/kustomization.yaml`, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\n");
    tree.set(
      `${root}/base/deployment.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  labels: {app: ${app}}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: ${app}}\n  template:\n    metadata:\n      labels: {app: ${app}}\n    spec:\n      containers:\n        - name: ${app}\n          image: ghcr.io/acme/${app}:1.0.0\n          ports: [{containerPort: 8080}]\n          resources: {limits: {memory: 128Mi}}\n        - name: proxy\n          image: envoyproxy/envoy:v1.29.0\n`,
    );
    tree.set(`${root}/base/service.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  ports: [{port: 80, targetPort: 8080}]\n`);
    for (const [n, env] of ["dev", "staging", "prod"].entries()) {
      const dir = `${root}/overlays/${env}`;
      tree.set(`${dir}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${app}-${env}\nresources:\n  - ../../base\n  - config.yaml\npatches:\n  - path: replicas.yaml\nimages:\n  - name: ghcr.io/acme/${app}\n    newTag: 1.${3 - n}.0\n`);
      tree.set(`${dir}/replicas.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: ${n + 1}\n`);
      tree.set(`${dir}/config.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}-config\ndata:\n  ENV: ${env}\n`);
    }
  }
  return tree;
}
