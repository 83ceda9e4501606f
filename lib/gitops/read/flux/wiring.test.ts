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

  describe("a repository bootstrapped from outside (Flux installed by Helm, no flux-system folder)", () => {
    const ociChart = (name: string, tag: string) =>
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: ${name}\nspec:\n  interval: 15m\n  ref:\n    tag: ${tag}\n  url: oci://registry.example.com/charts/${name}\n`;
    const templated = (name: string, chart: string, image: string, tag: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n    name: ${chart}\n  values:\n    controllers:\n      ${name}:\n        containers:\n          app:\n            image:\n              repository: ${image}\n              tag: ${tag}\n`;
    const cluster = (root: string) => ({
      [`${root}/flux/cluster/ks.yaml`]: `${ks("cluster-apps", `./${root}/apps`)}---\n${ks("cluster-meta", `./${root}/flux/meta`)}`,
      [`${root}/flux/meta/repos.yaml`]: ociChart("generic-app", "4.3.0").replace("name: generic-app", "name: generic-app\n  namespace: flux-system"),
      [`${root}/apps/media/kustomization.yaml`]: "namespace: media\nresources:\n  - ./library/ks.yaml\n  - ./player/ks.yaml\n",
      [`${root}/apps/media/library/ks.yaml`]: ks("library", `./${root}/apps/media/library/app`),
      [`${root}/apps/media/library/app/kustomization.yaml`]: "resources:\n  - ./helmrelease.yaml\n  - ./ocirepository.yaml\n",
      [`${root}/apps/media/library/app/ocirepository.yaml`]: ociChart("library", "4.4.0"),
      [`${root}/apps/media/library/app/helmrelease.yaml`]: templated("library", "library", "ghcr.io/example/library", "v2.1.0@sha256:" + "a".repeat(64)),
      [`${root}/apps/media/player/ks.yaml`]: ks("player", `./${root}/apps/media/player/app`),
      [`${root}/apps/media/player/app/helmrelease.yaml`]: templated("player", "generic-app", "ghcr.io/example/player", "1.30.2").replace("name: generic-app", "name: generic-app\n    namespace: flux-system"),
      // The flux-system namespace's apps live in a folder named flux-system: not a bootstrap folder.
      [`${root}/apps/flux-system/kustomization.yaml`]: "namespace: flux-system\nresources:\n  - ./instance/ks.yaml\n",
      [`${root}/apps/flux-system/instance/ks.yaml`]: ks("flux-instance", `./${root}/apps/flux-system/instance/app`),
      [`${root}/apps/flux-system/instance/app/kustomization.yaml`]: "resources:\n  - ./helmrelease.yaml\nconfigMapGenerator:\n  - name: flux-instance-values\n    files:\n      - values.yaml=./helm/values.yaml\n",
      [`${root}/apps/flux-system/instance/app/helm/values.yaml`]: `instance:\n  sync:\n    kind: GitRepository\n    path: ${root}/flux/cluster\n`,
      [`${root}/apps/flux-system/instance/app/helmrelease.yaml`]: `${ociChart("flux-instance", "0.33.0")}---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: flux-instance\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: flux-instance\n  valuesFrom:\n    - kind: ConfigMap\n      name: flux-instance-values\n`,
    });

    it("starts at the Kustomizations nothing else applies, one environment named default when every folder name is generic", () => {
      const { model, cells: got } = cells(cluster("kubernetes"));
      expect(model.environments.map((e) => e.name)).toEqual(["default"]);
      expect(got).toEqual([
        "flux-instance@default=0.33.0:kubernetes/apps/flux-system/instance/app/helmrelease.yaml",
        "library@default=4.4.0:kubernetes/apps/media/library/app/ocirepository.yaml,v2.1.0:kubernetes/apps/media/library/app/helmrelease.yaml",
        "player@default=4.3.0:kubernetes/flux/meta/repos.yaml,1.30.2:kubernetes/apps/media/player/app/helmrelease.yaml",
      ]);
      expect(model.deployments.find((d) => d.app === "library")?.destination).toEqual({ cluster: "default", namespace: undefined, wiredBy: "kubernetes/apps/media/library/ks.yaml" });
    });

    it("names a release a shared component adds as `${APP}-…` after the app whose Kustomization substitutes APP", () => {
      const component = {
        "kubernetes/components/proxy/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - ./helmrelease.yaml\n  - ./ocirepository.yaml\n",
        "kubernetes/components/proxy/ocirepository.yaml": ociChart("${APP}-proxy", "5.0.1"),
        "kubernetes/components/proxy/helmrelease.yaml": templated("${APP}-proxy", "${APP}-proxy", "ghcr.io/example/proxy", "v1.25.0"),
      };
      const withComponent = (tree: Record<string, string>, app: string) => {
        const file = `kubernetes/apps/media/${app}/ks.yaml`;
        tree[file] = tree[file]!.replace("  sourceRef:", "  components:\n    - ../../../../components/proxy\n  postBuild:\n    substitute:\n      APP: " + app + "\n  sourceRef:");
        return tree;
      };
      const { cells: got } = cells(withComponent(withComponent({ ...cluster("kubernetes"), ...component }, "library"), "player"));
      expect(got.filter((c) => c.includes("-proxy@"))).toEqual([
        "library-proxy@default=5.0.1:kubernetes/components/proxy/ocirepository.yaml,v1.25.0:kubernetes/components/proxy/helmrelease.yaml",
        "player-proxy@default=5.0.1:kubernetes/components/proxy/ocirepository.yaml,v1.25.0:kubernetes/components/proxy/helmrelease.yaml",
      ]);
    });

    it("reads an image a HelmRelease's post-renderer sets over what its values render, and promotes it there", () => {
      const tree = cluster("kubernetes");
      const file = "kubernetes/apps/media/library/app/helmrelease.yaml";
      tree[file] = `${tree[file]}  postRenderers:\n    - kustomize:\n        images:\n          - name: ghcr.io/example/library\n            newTag: v2.2.0\n`;
      const { model } = cells(tree);
      const library = model.deployments.find((d) => d.app === "library")!;
      expect(library.versions.filter((v) => v.kind === "image").map((v) => [v.name, v.value, v.field])).toEqual([["ghcr.io/example/library", "v2.2.0", "spec.postRenderers[0].kustomize.images[0].newTag"]]);
    });

    it("lets a post-renderer entry whose name carries a tag override only the values image with that tag", () => {
      const tree = cluster("kubernetes");
      const renderer = (name: string) => `  postRenderers:\n    - kustomize:\n        images:\n          - name: ${name}\n            newTag: v2.2.0\n`;
      const library = "kubernetes/apps/media/library/app/helmrelease.yaml";
      const player = "kubernetes/apps/media/player/app/helmrelease.yaml";
      tree[library] = `${tree[library]}${renderer("ghcr.io/example/library:v2.1.0")}`;
      tree[player] = `${tree[player]}${renderer("ghcr.io/example/player:9.9.9")}`;
      const { model } = cells(tree);
      const images = (app: string) => model.deployments.find((d) => d.app === app)!.versions.filter((v) => v.kind === "image").map((v) => [v.name, v.value]);
      expect(images("library")).toEqual([["ghcr.io/example/library", "v2.2.0"]]);
      expect(images("player")).toEqual(expect.arrayContaining([["ghcr.io/example/player", "1.30.2"]]));
    });

    it("names each cluster of a multi-cluster repository after its folder", () => {
      const tree = { ...cluster("kubernetes/main"), ...cluster("kubernetes/edge") };
      tree["kubernetes/edge/apps/media/player/app/helmrelease.yaml"] = templated("player", "generic-app", "ghcr.io/example/player", "1.31.0").replace("name: generic-app", "name: generic-app\n    namespace: flux-system");
      const { model, cells: got } = cells(tree);
      expect(model.environments.map((e) => e.name).sort()).toEqual(["edge", "main"]);
      expect(got.filter((c) => c.startsWith("player@"))).toEqual([
        "player@edge=4.3.0:kubernetes/edge/flux/meta/repos.yaml,1.31.0:kubernetes/edge/apps/media/player/app/helmrelease.yaml",
        "player@main=4.3.0:kubernetes/main/flux/meta/repos.yaml,1.30.2:kubernetes/main/apps/media/player/app/helmrelease.yaml",
      ]);
    });

    it("follows a GitRepository under another name that the repository declares for itself", () => {
      const own = "kind: GitRepository\n    name: home-cluster";
      const tree: Record<string, string> = {};
      for (const [file, content] of Object.entries(cluster("kubernetes"))) tree[file] = content.replaceAll("kind: GitRepository\n    name: flux-system", own);
      tree["kubernetes/flux/cluster/source.yaml"] = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: home-cluster\n  namespace: flux-system\nspec:\n  url: https://git.example.com/home-cluster.git\n  ref:\n    branch: main\n";
      // A tenant's source read at its root is another repository.
      tree["kubernetes/apps/media/tenant.yaml"] = `${ks("tenant", "./", "kind: GitRepository\n    name: tenant")}---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: tenant\nspec:\n  url: https://git.example.com/tenant.git\n`;
      tree["kubernetes/apps/media/kustomization.yaml"] = "namespace: media\nresources:\n  - ./library/ks.yaml\n  - ./player/ks.yaml\n  - ./tenant.yaml\n";
      const { model, cells: got } = cells(tree);
      expect(got.map((c) => c.split("=")[0])).toEqual(["flux-instance@default", "library@default", "player@default"]);
      expect(model.notes.join("\n")).toContain("Flux Kustomization tenant (cluster default) reads GitRepository tenant (https://git.example.com/tenant.git), outside this repository");
    });

    it("leaves a team repository whose apps each carry their own Kustomization to the folder layout", () => {
      const { model } = cells({
        "apps/api/ks.yaml": ks("api", "./apps/api/deploy"),
        "apps/api/deploy/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: example.com/api:1.0.0\n",
        "apps/web/ks.yaml": ks("web", "./apps/web/deploy"),
        "apps/web/deploy/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: example.com/web:2.0.0\n",
      });
      expect(model.conventions).not.toContain("flux-clusters");
    });
  });

  it("reads images from values files a HelmRelease takes through valuesFrom, the inline values winning", () => {
    const { model } = cells({
      "clusters/home/flux-system/gotk-sync.yaml": ks("flux-system", "./clusters/home"),
      "clusters/home/apps.yaml": ks("proxy", "./proxy"),
      "proxy/kustomization.yaml": "resources:\n  - release.yaml\nconfigMapGenerator:\n  - name: proxy-values\n    files:\n      - values.yaml=./helm/values.yaml\n  - name: proxy-sidecar\n    files:\n      - ./helm/sidecar.yaml\n",
      "proxy/helm/values.yaml": "image:\n  repository: example.com/proxy\n  tag: 3.0.0\nexporter:\n  image:\n    repository: example.com/exporter\n    tag: 0.9.0\n",
      "proxy/helm/sidecar.yaml": "sidecar:\n  image:\n    repository: example.com/sidecar\n    tag: 1.1.0\n",
      "proxy/release.yaml": `${release("proxy", "3.0.1")}  valuesFrom:\n    - kind: ConfigMap\n      name: proxy-values\n    - kind: ConfigMap\n      name: proxy-sidecar\n      valuesKey: sidecar.yaml\n    - kind: Secret\n      name: proxy-secret\n  values:\n    exporter:\n      image:\n        tag: 0.9.1\n`,
    });
    const versions = model.deployments.flatMap((d) => d.versions.map((v) => `${v.name}=${v.value}@${v.file}:${v.path.join(".")}`));
    expect(versions.sort()).toEqual([
      "example.com/exporter=0.9.1@proxy/release.yaml:spec.values.exporter.image.tag",
      "example.com/proxy=3.0.0@proxy/helm/values.yaml:image.tag",
      "example.com/sidecar=1.1.0@proxy/helm/sidecar.yaml:sidecar.image.tag",
      "proxy=3.0.1@proxy/release.yaml:spec.chart.spec.version",
    ]);
    expect(model.deployments[0]?.files).toContain("proxy/helm/values.yaml");
  });

  it("places what a hub applies to its spokes (spec.kubeConfig, or patches giving HelmReleases one) in each spoke's environment", () => {
    const spoke = (env: string) =>
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${env}\n---\n${ks("addons", `./spokes/${env}/addons`)}  kubeConfig:\n    secretRef:\n      name: cluster-kubeconfig\n`.replace("namespace: flux-system", `namespace: ${env}`) +
      `---\n${ks("workloads", `./spokes/${env}/workloads`)}  patches:\n    - target:\n        kind: HelmRelease\n      patch: |\n        - op: add\n          path: /spec/kubeConfig\n          value:\n            secretRef:\n              name: cluster-kubeconfig\n`.replace("namespace: flux-system", `namespace: ${env}`);
    const { model, cells: got } = cells({
      "fleet-hub/qa.yaml": spoke("qa"),
      "fleet-hub/live.yaml": spoke("live"),
      "shared/workloads/kustomization.yaml": "resources:\n  - shop.yaml\n",
      "shared/workloads/shop.yaml": release("shop", "1.0.0"),
      "shared/addons/kustomization.yaml": "resources:\n  - proxy.yaml\n",
      "shared/addons/proxy.yaml": release("proxy", "4.0.0"),
      "spokes/qa/workloads/kustomization.yaml": "resources:\n  - ../../../shared/workloads\npatches:\n  - path: shop.yaml\n",
      "spokes/qa/workloads/shop.yaml": release("shop", "1.1.0"),
      "spokes/qa/addons/kustomization.yaml": "resources:\n  - ../../../shared/addons\n",
      "spokes/live/workloads/kustomization.yaml": "resources:\n  - ../../../shared/workloads\n",
      "spokes/live/addons/kustomization.yaml": "resources:\n  - ../../../shared/addons\n",
    });
    expect(model.environments.map((e) => e.name).sort()).toEqual(["live", "qa"]);
    expect([...got].sort()).toEqual([
      "proxy@live=4.0.0:shared/addons/proxy.yaml",
      "proxy@qa=4.0.0:shared/addons/proxy.yaml",
      "shop@live=1.0.0:shared/workloads/shop.yaml",
      "shop@qa=1.1.0:spokes/qa/workloads/shop.yaml",
    ]);
    expect(model.deployments.find((d) => d.app === "shop" && d.env === "qa")?.destination?.cluster).toBe("qa");
  });
});
