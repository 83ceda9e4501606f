import { describe, expect, it } from "vitest";
import { readRepository } from "../index";

const ks = (name: string, path: string, source = "kind: GitRepository\n    name: flux-system", extra = "") =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  sourceRef:\n    ${source}\n${extra}`;

const release = (name: string, version: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  chart:\n    spec:\n      chart: ${name}\n      version: "${version}"\n`;

function cells(tree: Record<string, string>) {
  const model = readRepository(new Map(Object.entries(tree)));
  return { model, cells: model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.value}:${v.file}`).join(",")}`) };
}

describe("Flux wiring", () => {
  it("resolves an ExternalArtifact through the ArtifactGenerator's copy rules", () => {
    const generator = (env: string) =>
      `apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: gen\nspec:\n  sources:\n    - alias: mono\n      kind: GitRepository\n      name: flux-system\n  artifacts:\n    - name: workloads\n      copy:\n        - from: "@mono/workloads/shared/**"\n          to: "@artifact/shared/"\n        - from: "@mono/workloads/${env}/**"\n          to: "@artifact/${env}/"\n    - name: infra\n      copy:\n        - from: "@mono/infra/**"\n          to: "@artifact/"\n`;
    const { cells: got } = cells({
      "clusters/qa/flux-system/gotk-sync.yaml": "# placeholder\n",
      "clusters/qa/artifacts.yaml": generator("qa"),
      "clusters/qa/workloads.yaml": ks("workloads", "./qa", "kind: ExternalArtifact\n    name: workloads"),
      "clusters/qa/infra.yaml": ks("infra", "./controllers", "kind: ExternalArtifact\n    name: infra"),
      "workloads/shared/api/kustomization.yaml": "resources: [release.yaml]\n",
      "workloads/shared/api/release.yaml": release("api", "1.0.0"),
      "workloads/qa/kustomization.yaml": "resources: [../shared/api]\npatches:\n  - path: version.yaml\n",
      "workloads/qa/version.yaml": release("api", "1.1.0"),
      "infra/controllers/kustomization.yaml": "resources: [proxy.yaml]\n",
      "infra/controllers/proxy.yaml": release("proxy", "3.2.1"),
    });
    expect(got).toEqual(["api@qa=1.1.0:workloads/qa/version.yaml", "proxy@qa=3.2.1:infra/controllers/proxy.yaml"]);
  });

  it("shows shared infrastructure in every cluster that reconciles it, and a cluster's own apps only there", () => {
    const { cells: got } = cells({
      "clusters/one/flux-system/gotk-sync.yaml": ks("flux-system", "./clusters/one"),
      "clusters/one/infra.yaml": ks("infra", "./infra"),
      "clusters/one/extra.yaml": ks("extra", "./extra"),
      "clusters/two/flux-system/gotk-sync.yaml": ks("flux-system", "./clusters/two"),
      "clusters/two/infra.yaml": ks("infra", "./infra"),
      "infra/proxy.yaml": release("proxy", "3.2.1"),
      "extra/cache.yaml": release("cache", "7.0.0"),
    });
    expect(got).toEqual(["cache@one=7.0.0:extra/cache.yaml", "proxy@one=3.2.1:infra/proxy.yaml", "proxy@two=3.2.1:infra/proxy.yaml"]);
  });

  it("stops at Kustomizations that point back at what is already applied, and notes sources outside the repository", () => {
    const { model, cells: got } = cells({
      "clusters/solo/flux-system/gotk-sync.yaml": ks("flux-system", "./clusters/solo"),
      "clusters/solo/loop.yaml": ks("loop", "./loop"),
      "loop/again.yaml": ks("again", "./clusters/solo"),
      "loop/app.yaml": release("app", "2.0.0"),
      "clusters/solo/tenant.yaml": `${ks("tenant", "./deploy", "kind: GitRepository\n    name: tenant-repo")}---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: tenant-repo\nspec:\n  url: https://git.example.com/tenant.git\n`,
      "clusters/solo/missing.yaml": ks("missing", "./nowhere"),
    });
    expect(got).toEqual(["app@solo=2.0.0:loop/app.yaml"]);
    expect(model.notes).toEqual(
      expect.arrayContaining([
        "clusters/solo/tenant.yaml: Flux Kustomization tenant (cluster solo) reads GitRepository tenant-repo (https://git.example.com/tenant.git), outside this repository",
        "clusters/solo/missing.yaml: Flux Kustomization missing (cluster solo): path ./nowhere does not exist",
      ]),
    );
  });

  it("reads a version held in a postBuild variable where the variable is set", () => {
    const { model } = cells({
      "clusters/edge/flux-system/gotk-sync.yaml": ks("flux-system", "./clusters/edge"),
      "clusters/edge/cache.yaml": ks("cache", "./cache", undefined, "  postBuild:\n    substitute:\n      CACHE_VERSION: \"7.2.0\"\n"),
      "cache/release.yaml": release("cache", "${CACHE_VERSION}"),
    });
    expect(model.deployments.map((d) => [d.app, d.env, d.versions[0]?.value, d.versions[0]?.file, d.versions[0]?.path])).toEqual([
      ["cache", "edge", "7.2.0", "clusters/edge/cache.yaml", ["spec", "postBuild", "substitute", "CACHE_VERSION"]],
    ]);
  });
});
