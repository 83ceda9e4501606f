// Test-only: the kustomize app of the history and rollback tests (apps/shop/{base,overlays/<env>}).

/** The overlay of one environment: its image tag and, when given, a replicas override. */
export const shopOverlay = (tag: string, replicas?: number) =>
  [
    "apiVersion: kustomize.config.k8s.io/v1beta1",
    "kind: Kustomization",
    "resources:",
    "  - ../../base",
    "images:",
    "  - name: ghcr.io/acme/shop",
    `    newTag: "${tag}"`,
    ...(replicas ? ["replicas:", "  - name: shop", `    count: ${replicas}`] : []),
    "",
  ].join("\n");

/** apps/shop/base: a Deployment of ghcr.io/acme/shop:0.9.0. */
export const SHOP_BASE: Record<string, string> = {
  "apps/shop/base/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n",
  "apps/shop/base/deployment.yaml": [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: shop",
    "spec:",
    "  replicas: 1",
    "  selector:",
    "    matchLabels:",
    "      app: shop",
    "  template:",
    "    metadata:",
    "      labels:",
    "        app: shop",
    "    spec:",
    "      containers:",
    "        - name: shop",
    "          image: ghcr.io/acme/shop:0.9.0",
    "",
  ].join("\n"),
};

/** The repository with dev and staging at the given tags. */
export function shopTree(dev: string, staging: string, stagingReplicas?: number): Map<string, string> {
  return new Map(Object.entries({ ...SHOP_BASE, "apps/shop/overlays/dev/kustomization.yaml": shopOverlay(dev), "apps/shop/overlays/staging/kustomization.yaml": shopOverlay(staging, stagingReplicas) }));
}
