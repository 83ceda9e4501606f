import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote";
import { readRepository } from "../index";

// A Flux Operator ResourceSet generating one HelmRelease and OCIRepository per tenant, the shape of the
// operator's own documentation, with our names.
const resourceSet = `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: quotes
  namespace: apps
spec:
  inputs:
    - tenant: "blue"
      app:
        version: "2.4.1"
        replicas: 2
    - tenant: "green"
      app:
        version: "2.3.0"
        replicas: 3
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: OCIRepository
      metadata:
        name: quotes-<< inputs.tenant >>
        namespace: apps
      spec:
        interval: 10m
        url: oci://registry.example.com/charts/quotes
        ref:
          semver: << inputs.app.version | quote >>
    - apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: quotes-<< inputs.tenant >>
        namespace: apps
      spec:
        interval: 1h
        releaseName: quotes-<< inputs.tenant >>
        chartRef:
          kind: OCIRepository
          name: quotes-<< inputs.tenant >>
        values:
          replicaCount: << inputs.app.replicas | int >>
          image:
            repository: registry.example.com/quotes-cache
            tag: "9.1.0"
`;

const tree = (set: string): FileTree =>
  new Map(
    Object.entries({
      "clusters/home/flux-system/gotk-sync.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  path: ./clusters/home\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
      "clusters/home/apps.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ./apps\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
      "apps/quotes.yaml": set,
    }),
  );

describe("Flux Operator ResourceSets", () => {
  it("renders one HelmRelease per input, each an app with its chart version from the input and the template's own image", () => {
    const model = readRepository(tree(resourceSet));
    const cells = model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`).sort();
    expect(cells).toEqual(["quotes-blue@home=2.4.1,9.1.0", "quotes-green@home=2.3.0,9.1.0"]);
    const green = model.deployments.find((d) => d.app === "quotes-green");
    expect(green?.versions[0]).toMatchObject({ kind: "chart", file: "apps/quotes.yaml", path: ["spec", "inputs", 1, "app", "version"] });
    // Written in the template: shared by every input, located there.
    expect(green?.versions[1]).toMatchObject({ kind: "image", file: "apps/quotes.yaml", path: ["spec", "resources", 1, "spec", "values", "image", "tag"] });
    expect(model.conventions).toContain("flux-resourcesets");
  });

  it("a promotion from one cluster's ResourceSet to another's edits the target's input only", () => {
    const cluster = (env: string) => ({
      [`clusters/${env}/flux-system/gotk-sync.yaml`]: `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  path: ./clusters/${env}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`,
      [`clusters/${env}/apps.yaml`]: `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ./apps/${env}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`,
    });
    const files: FileTree = new Map(
      Object.entries({
        ...cluster("staging"),
        ...cluster("production"),
        "apps/staging/quotes.yaml": resourceSet,
        "apps/production/quotes.yaml": resourceSet.replace('version: "2.4.1"', 'version: "2.2.0"'),
      }),
    );
    const model = readRepository(files);
    const cell = (env: string) => model.deployments.find((d) => d.app === "quotes-blue" && d.env === env);
    expect(cell("production")?.versions[0]).toMatchObject({ value: "2.2.0", file: "apps/production/quotes.yaml", path: ["spec", "inputs", 0, "app", "version"] });
    const plan = planPromotion({ tree: files, source: cell("staging")!, target: cell("production")!, mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["apps/production/quotes.yaml"]);
    const text = plan.changeSet.edits[0]?.content ?? "";
    expect(text).toContain('    - tenant: "blue"\n      app:\n        version: "2.4.1"\n');
    expect(text).toContain('    - tenant: "green"\n      app:\n        version: "2.3.0"\n');
    const after = readRepository(new Map([...files, ["apps/production/quotes.yaml", text]]));
    expect(after.deployments.find((d) => d.app === "quotes-blue" && d.env === "production")?.versions[0]?.value).toBe("2.4.1");
  });

  it("names inputs it cannot read and templates it cannot render", () => {
    const external = resourceSet.replace("spec:\n  inputs:", "spec:\n  inputsFrom:\n    - kind: ResourceSetInputProvider\n      name: prs\n  inputs:").replace("<< inputs.tenant >>\n        namespace: apps\n      spec:\n        interval: 10m", "<< inputs.tenant | nosuchfunc >>\n        namespace: apps\n      spec:\n        interval: 10m");
    const notes = readRepository(tree(external)).notes.join("\n");
    expect(notes).toContain("ResourceSet quotes: inputsFrom reads providers outside the repository");
    expect(notes).toContain("ResourceSet quotes: not rendered: function nosuchfunc is not evaluated");
  });
});
