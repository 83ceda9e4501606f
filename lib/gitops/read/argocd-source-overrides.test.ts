import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { planPromotion } from "../promote";
import { readRepository } from "./index";

// An Application (or an ApplicationSet's rendered one) deploying an in-repo chart gives Helm more than
// the chart's values.yaml: valueFiles, then values, valuesObject and parameters. What runs is the last
// layer that sets the tag, and that is where a promotion edits it.

const chart = {
  "charts/shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
  "charts/shop/values.yaml": "image:\n  repository: ghcr.io/acme/shop\n  tag: 1.0.0\nreplicas: 1\n",
  "charts/shop/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: shop\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n",
};

const appSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: shop
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - env: staging
            imageTag: 1.4.0
          - env: prod
            imageTag: 1.3.2
  template:
    metadata:
      name: 'shop-{{ .env }}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/acme/deploy.git
        targetRevision: HEAD
        path: charts/shop
        helm:
          parameters:
            - name: image.tag
              value: '{{ .imageTag }}'
      destination:
        name: '{{ .env }}'
        namespace: shop
`;

const application = (env: string, helm: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop-${env}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/acme/deploy.git
    targetRevision: HEAD
    path: charts/shop
    helm:
${helm}
  destination:
    name: ${env}
    namespace: shop
`;

const image = (tree: FileTree, env: string) => {
  const d = readRepository(tree).deployments.find((c) => c.app === "shop" && c.env === env);
  return d?.versions.find((v) => v.kind === "image");
};

describe("Argo CD overrides over an in-repo chart", () => {
  it("reads the tag an ApplicationSet list element passes as a Helm parameter, and promotes it there", () => {
    const tree: FileTree = new Map(Object.entries({ ...chart, "apps/shop.yaml": appSet }));
    expect(image(tree, "staging")).toMatchObject({ value: "1.4.0", file: "apps/shop.yaml" });
    expect(image(tree, "prod")).toMatchObject({ value: "1.3.2", file: "apps/shop.yaml" });
    expect(image(tree, "prod")?.field).toMatch(/elements\[1\]\.imageTag/);

    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "shop" && d.env === env)!;
    const plan = planPromotion({ tree, source: cell("staging"), target: cell("prod"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    const after = new Map(tree);
    for (const e of plan.changeSet.edits) if (typeof e.content === "string") after.set(e.path, e.content);
    expect(image(after, "prod")?.value).toBe("1.4.0");
    expect(image(after, "staging")?.value).toBe("1.4.0");
    expect(after.get("charts/shop/values.yaml")).toBe(chart["charts/shop/values.yaml"]);
  });

  it("layers valuesObject over values over valueFiles over the chart's values.yaml, as Argo CD does", () => {
    const tree: FileTree = new Map(
      Object.entries({
        ...chart,
        "charts/shop/values-prod.yaml": "image:\n  tag: 1.1.0\n",
        "argocd/shop-prod.yaml": application("prod", "      valueFiles: [values-prod.yaml]\n      valuesObject:\n        image:\n          tag: 1.2.0\n"),
        "argocd/shop-staging.yaml": application("staging", "      valueFiles: [values-prod.yaml]\n      values: |\n        image:\n          tag: 1.5.0\n"),
        "argocd/shop-dev.yaml": application("dev", "      valueFiles: [values-prod.yaml]\n      parameters:\n        - name: image.tag\n          value: 1.6.0\n      valuesObject:\n        image:\n          tag: 9.9.9\n"),
      }),
    );
    expect(image(tree, "prod")).toMatchObject({ value: "1.2.0", file: "argocd/shop-prod.yaml", field: "spec.source.helm.valuesObject.image.tag" });
    expect(image(tree, "staging")).toMatchObject({ value: "1.5.0", file: "argocd/shop-staging.yaml" });
    expect(image(tree, "dev")).toMatchObject({ value: "1.6.0", field: "spec.source.helm.parameters[name=image.tag].value" });

    // Promoting dev's 1.6.0 into prod edits prod's valuesObject, the layer that wins there.
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "shop" && d.env === env)!;
    const plan = planPromotion({ tree, source: cell("dev"), target: cell("prod"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["argocd/shop-prod.yaml"]);
    const after = new Map(tree);
    for (const e of plan.changeSet.edits) if (typeof e.content === "string") after.set(e.path, e.content);
    expect(image(after, "prod")?.value).toBe("1.6.0");
    expect(after.get("charts/shop/values-prod.yaml")).toBe(tree.get("charts/shop/values-prod.yaml"));
  });

  it("shows an expression it cannot evaluate as an unknown version with the reason, not as a version", () => {
    const set = appSet.replace("value: '{{ .imageTag }}'", "value: '{{ (index (fromYaml (readFile \"x\")) .env).tag }}'");
    const model = readRepository(new Map(Object.entries({ ...chart, "apps/shop.yaml": set })));
    const d = model.deployments.find((c) => c.app === "shop" && c.env === "prod");
    const v = d?.versions.find((x) => x.kind === "image");
    expect(v?.value ?? null).toBeNull();
    expect(d?.errors.join("\n")).toMatch(/could not evaluate/);
  });
});

describe("Argo CD image overrides over a kustomize source", () => {
  const overlay = (env: string, tag: string) => `resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/web\n    newTag: ${tag}\n`;
  const kApp = (env: string, extra = "") => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-${env}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/acme/deploy.git
    targetRevision: HEAD
    path: web/overlays/${env}
${extra}  destination:
    name: ${env}
    namespace: web
`;
  const tree: FileTree = new Map(
    Object.entries({
      "web/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "web/base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n",
      "web/overlays/staging/kustomization.yaml": overlay("staging", "1.10.2"),
      "web/overlays/prod/kustomization.yaml": overlay("prod", "1.10.2"),
      // argocd-image-updater's git write-back for the staging Application.
      "web/overlays/staging/.argocd-source-web-staging.yaml": "kustomize:\n  images:\n    - ghcr.io/acme/web:1.10.4\n",
      "argocd/web-staging.yaml": kApp("staging"),
      "argocd/web-prod.yaml": kApp("prod", "    kustomize:\n      images:\n        - ghcr.io/acme/web:1.10.3\n"),
    }),
  );
  const web = (t: FileTree, env: string) => readRepository(t).deployments.find((d) => d.app === "web" && d.env === env)?.versions.find((v) => v.kind === "image");

  it("reads the Application's kustomize.images and the parameter file image-updater writes, over the overlay", () => {
    expect(web(tree, "prod")).toMatchObject({ value: "1.10.3", file: "argocd/web-prod.yaml" });
    expect(web(tree, "staging")).toMatchObject({ value: "1.10.4", file: "web/overlays/staging/.argocd-source-web-staging.yaml" });
  });

  it("promotes into the override that wins, keeping the image name", () => {
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "web" && d.env === env)!;
    const plan = planPromotion({ tree, source: cell("staging"), target: cell("prod"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["argocd/web-prod.yaml"]);
    const after = new Map(tree);
    for (const e of plan.changeSet.edits) if (typeof e.content === "string") after.set(e.path, e.content);
    expect(after.get("argocd/web-prod.yaml")).toContain("- ghcr.io/acme/web:1.10.4\n");
    expect(web(after, "prod")?.value).toBe("1.10.4");
  });
});

describe("values-<env>.yaml files next to a chart that Applications deploy", () => {
  const files = { ...chart, "charts/shop/values-dev.yaml": "image:\n  tag: 1.9.0\n", "charts/shop/values-prod.yaml": "image:\n  tag: 1.2.0\n" };
  const cells = (tree: Record<string, string>) => {
    const model = readRepository(new Map(Object.entries(tree)));
    return { model, cells: model.deployments.filter((d) => d.app === "shop").map((d) => `${d.env}=${d.versions.find((v) => v.kind === "image")?.value}`).sort() };
  };

  it("are environments only when an Application passes them: the wiring wins over the file names", () => {
    const onlyProd = cells({ ...files, "argocd/shop-prod.yaml": application("prod", "      valueFiles: [values-prod.yaml]\n") });
    expect(onlyProd.cells).toEqual(["prod=1.2.0"]);
    expect(onlyProd.model.notes.join("\n")).toContain("charts/shop: Argo CD Applications deploy this chart, and none passes values-dev.yaml: not read as environments");
    const both = cells({ ...files, "argocd/shop-prod.yaml": application("prod", "      valueFiles: [values-prod.yaml]\n"), "argocd/shop-dev.yaml": application("dev", "      valueFiles: [values-dev.yaml]\n") });
    expect(both.cells).toEqual(["dev=1.9.0", "prod=1.2.0"]);
  });

  it("are read by their names when nothing in the repository deploys the chart", () => {
    expect(cells(files).cells).toEqual(["dev=1.9.0", "prod=1.2.0"]);
  });
});
