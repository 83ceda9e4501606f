import { describe, expect, it } from "vitest";
import { changeImpact } from "../impact";
import { planPromotion } from "../promote";
import { readRepository } from "./index";
import { imagesInValues, layeredValuesImages, valuesImageVersions } from "./values-images";

describe("images in Helm values", () => {
  it("finds app-template's nested containers, subchart images and digests pinned in the tag", () => {
    const values = {
      controllers: {
        web: { containers: { app: { image: { repository: "ghcr.io/acme/web", tag: "4.2.0@sha256:abc" } }, sidecar: { image: { repository: "ghcr.io/acme/proxy", tag: "1.1" } } } },
      },
      redis: { image: { registry: "docker.io", repository: "bitnami/redis", tag: 7 } },
      image: { tag: "latest" },
    };
    expect(imagesInValues(values)).toEqual([
      { path: ["image", "tag"], name: undefined, tag: "latest" },
      { path: ["controllers", "web", "containers", "app", "image", "tag"], name: "ghcr.io/acme/web", tag: "4.2.0", digest: "sha256:abc" },
      { path: ["controllers", "web", "containers", "sidecar", "image", "tag"], name: "ghcr.io/acme/proxy", tag: "1.1" },
      { path: ["redis", "image", "tag"], name: "docker.io/bitnami/redis", tag: "7" },
    ]);
    const versions = valuesImageVersions(values, { file: "v.yaml", doc: 0, prefix: [], fallbackName: "chart" });
    expect(versions.map((v) => [v.name, v.value, v.floating, v.field])).toEqual([
      ["chart", "latest", true, "image.tag"],
      ["ghcr.io/acme/web", "4.2.0", false, "controllers.web.containers.app.image.tag"],
      ["ghcr.io/acme/proxy", "1.1", false, "controllers.web.containers.sidecar.image.tag"],
      ["docker.io/bitnami/redis", "7", false, "redis.image.tag"],
    ]);
  });

  it("finds whole references written as one string, only when they pin a tag or digest", () => {
    const values = {
      springBoot: { image: "registry.example.com/shop/weather:2024.06.1", replicas: 2 },
      batch: { image: "registry.example.com/shop/batch:latest" },
      dendrite: { image: { name: "example/dendrite-monolith:010922", pullPolicy: "IfNotPresent" } },
      proxy: { sidecarImage: "ghcr.io/acme/proxy@sha256:" + "b".repeat(64), image: "nginx" },
      templated: { image: "{{ .Values.global.registry }}/app:1.0" },
    };
    expect(imagesInValues(values)).toEqual([
      { path: ["springBoot", "image"], name: "registry.example.com/shop/weather", tag: "2024.06.1" },
      { path: ["batch", "image"], name: "registry.example.com/shop/batch", tag: "latest" },
      { path: ["dendrite", "image", "name"], name: "example/dendrite-monolith", tag: "010922" },
      { path: ["proxy", "sidecarImage"], name: "ghcr.io/acme/proxy", tag: null, digest: "sha256:" + "b".repeat(64) },
    ]);
  });

  it("promotes a whole-string reference by its tag, keeping the repository", () => {
    const chart = { "charts/weather/Chart.yaml": "apiVersion: v2\nname: weather\nversion: 0.1.0\n" };
    const tree = new Map(
      Object.entries({
        ...chart,
        "charts/weather/values.yaml": "app:\n  image: registry.example.com/shop/weather:1.0.0\n",
        "charts/weather/values-staging.yaml": "app:\n  image: registry.example.com/shop/weather:1.2.0\n",
        "charts/weather/values-prod.yaml": "app:\n  image: registry.example.com/shop/weather:1.1.0\n",
      }),
    );
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "weather" && d.env === env)!;
    expect(cell("prod").versions.find((v) => v.kind === "image")).toMatchObject({ value: "1.1.0", file: "charts/weather/values-prod.yaml" });
    const plan = planPromotion({ tree, source: cell("staging"), target: cell("prod"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["charts/weather/values-prod.yaml", "app:\n  image: registry.example.com/shop/weather:1.2.0\n"]]);
  });

  it("layers values files as Helm merges them: the last file that sets a field wins, and names it", () => {
    const layers = [
      { file: "common-values.yaml", doc: 0, values: { image: { repository: "acme/api", tag: "1.0" }, worker: { image: { repository: "acme/worker", tag: "1.0" } } } },
      { file: "values-prod.yaml", doc: 0, values: { image: { tag: "1.3" } } },
    ];
    expect(layeredValuesImages(layers, "api").map((v) => [v.name, v.field, v.value, v.file])).toEqual([
      ["acme/api", "image.tag", "1.3", "values-prod.yaml"],
      ["acme/worker", "worker.image.tag", "1.0", "common-values.yaml"],
    ]);
  });
});

describe("one image map per component", () => {
  it("reads image.<component>.{repository,tag} with the shared registry, and an empty tag as the chart's appVersion", () => {
    expect(imagesInValues({ image: { registry: "ghcr.io/acme", pullPolicy: "IfNotPresent", api: { repository: "tracker-api", tag: "1.2.0" }, web: { repository: "tracker-web", tag: "" } } })).toEqual([
      { path: ["image", "api", "tag"], name: "ghcr.io/acme/tracker-api", tag: "1.2.0" },
      { path: ["image", "web", "tag"], name: "ghcr.io/acme/tracker-web", tag: "" },
    ]);
    const tree = new Map([
      ["charts/tracker/Chart.yaml", 'apiVersion: v2\nname: tracker\nversion: 1.0.0\nappVersion: "0.1.0"\n'],
      ["charts/tracker/values.yaml", 'image:\n  registry: ghcr.io/acme\n  api:\n    repository: tracker-api\n    tag: ""\n'],
      ["charts/tracker/templates/deploy.yaml", 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: "{{ .Values.image.registry }}/{{ .Values.image.api.repository }}:{{ .Values.image.api.tag | default .Chart.AppVersion }}"\n'],
      ["charts/tracker/values-prod.yaml", "replicas: 3\n"],
      ["argocd/tracker-prod.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: tracker-prod\nspec:\n  source:\n    repoURL: https://git.example/acme/gitops.git\n    path: charts/tracker\n    helm:\n      valueFiles: [values-prod.yaml]\n  destination:\n    namespace: tracker\n"],
    ]);
    const cell = readRepository(tree).deployments.find((d) => d.app === "tracker" && d.env === "prod");
    expect(cell?.versions.filter((v) => v.kind === "image").map((v) => `${v.name}=${v.value}@${v.file}:${v.path.join(".")}`)).toEqual(["ghcr.io/acme/tracker-api=0.1.0@charts/tracker/Chart.yaml:appVersion"]);
  });
});

describe("reading and promoting values images", () => {
  const app = (env: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: api-${env}\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.com/acme/deploy.git\n    path: charts/api\n    helm:\n      valueFiles:\n        - ../../values/common-values.yaml\n        - ../../values/values-${env}.yaml\n  destination:\n    namespace: api-${env}\n`;
  const tree = new Map([
    ["argocd/api-staging.yaml", app("staging")],
    ["argocd/api-production.yaml", app("production")],
    ["charts/api/Chart.yaml", "apiVersion: v2\nname: api\nversion: 0.1.0\n"],
    ["charts/api/values.yaml", "image:\n  repository: ghcr.io/acme/api\n  tag: 0.0.1\n"],
    ["values/common-values.yaml", "image:\n  repository: ghcr.io/acme/api\n  tag: 1.0.0\n"],
    ["values/values-staging.yaml", "image:\n  tag: 1.4.0 # staging runs ahead\n"],
    ["values/values-production.yaml", "replicas: 3\n"],
  ]);

  it("shows per environment the tag of the last values file that sets it, and promotes by editing that file", () => {
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "api" && d.env === env);
    expect(cell("staging")?.versions.map((v) => [v.value, v.file])).toEqual([["1.4.0", "values/values-staging.yaml"]]);
    expect(cell("production")?.versions.map((v) => [v.value, v.file])).toEqual([["1.0.0", "values/common-values.yaml"]]);
    const plan = planPromotion({ tree, source: cell("staging")!, target: cell("production")!, mode: "version", baseSha: "a", repository: "r" });
    // production's tag is set last by the common file: that is the file to edit, and the impact says
    // which environments it feeds (staging overrides it, so only production moves).
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["values/common-values.yaml"]);
    expect(changeImpact(tree, model, plan.changeSet)).toEqual([{ app: "api", env: "production", versions: [{ name: "ghcr.io/acme/api", from: "1.0.0", to: "1.4.0" }] }]);
  });

  it("reads app-template images in a Flux HelmRelease, with the chart version from its OCIRepository", () => {
    const model = readRepository(
      new Map([
        ["clusters/home/flux-system/gotk-sync.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\nspec:\n  path: ./clusters/home\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"],
        ["clusters/home/apps.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: media\nspec:\n  path: ./apps/media\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"],
        ["apps/media/oci.yaml", "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app-template\nspec:\n  url: oci://ghcr.io/acme/charts/app-template\n  ref:\n    tag: 4.1.2\n"],
        [
          "apps/media/release.yaml",
          "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: player\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: app-template\n  values:\n    controllers:\n      player:\n        containers:\n          app:\n            image:\n              repository: ghcr.io/acme/player\n              tag: 2.7.1@sha256:0123\n",
        ],
      ]),
    );
    expect(model.deployments.map((d) => [d.app, d.env, d.versions.map((v) => `${v.name}=${v.value}${v.digest ? `@${v.digest}` : ""}`)])).toEqual([
      ["player", "home", ["oci://ghcr.io/acme/charts/app-template=4.1.2", "ghcr.io/acme/player=2.7.1@sha256:0123"]],
    ]);
  });

  it("finds one image per component in an `images:` map, and a tag written beside a repository string", () => {
    const values = {
      images: { registry: "ghcr.io/acme", api: { repository: "api", tag: "0.1.3" }, ui: { tag: "latest" } },
      main_app: { image: "wikimedia/citoid", version: "2026-02-25-1" },
      sidecar: { image: "busybox", imageTag: 1.36 },
      job: { image: "org/job:2.0", version: "ignored" },
    };
    expect(imagesInValues(values)).toEqual(
      expect.arrayContaining([
        { path: ["images", "api", "tag"], name: "ghcr.io/acme/api", tag: "0.1.3" },
        { path: ["images", "ui", "tag"], name: "ui", tag: "latest" },
        { path: ["main_app", "version"], name: "wikimedia/citoid", tag: "2026-02-25-1" },
        { path: ["sidecar", "imageTag"], name: "busybox", tag: "1.36" },
      ]),
    );
    // A repository string that pins its own tag is that image; the `version` beside it is not read as its tag.
    expect(imagesInValues(values).filter((i) => i.path[0] === "job")).toEqual([{ path: ["job", "image"], name: "org/job", tag: "2.0" }]);
  });

  it("reads an image map under a key named for it (imageOverride, sidecarImage), not imagePullPolicy", () => {
    const values = { components: { cart: { imageOverride: { repository: "ghcr.io/otel/cart", tag: "1.12.0" }, imagePullPolicy: "Always" } }, sidecarImage: { repository: "envoy", tag: "v1.31" } };
    expect(imagesInValues(values)).toEqual([
      { path: ["sidecarImage", "tag"], name: "envoy", tag: "v1.31" },
      { path: ["components", "cart", "imageOverride", "tag"], name: "ghcr.io/otel/cart", tag: "1.12.0" },
    ]);
  });
});

describe("a component's own {repository, tag}", () => {
  it("is an image, named by its repository, and a map read under an image key is not read twice", () => {
    const values = {
      redis: { enabled: true, repository: "public.ecr.aws/docker/library/redis", tag: "8.6.2" },
      cache: { registry: "docker.io", repository: "bitnami/memcached", tag: 1.6 },
      proxy: { sidecarImage: { repository: "ghcr.io/acme/proxy", tag: "1.1" }, images: { api: { repository: "ghcr.io/acme/api", tag: "2.0" } } },
      web: { repository: "ghcr.io/acme/web", tag: "3.0", image: { repository: "ghcr.io/acme/web", tag: "3.1" } },
    };
    expect(imagesInValues(values)).toEqual([
      { path: ["redis", "tag"], name: "public.ecr.aws/docker/library/redis", tag: "8.6.2" },
      { path: ["cache", "tag"], name: "docker.io/bitnami/memcached", tag: "1.6" },
      { path: ["proxy", "sidecarImage", "tag"], name: "ghcr.io/acme/proxy", tag: "1.1" },
      { path: ["proxy", "images", "api", "tag"], name: "ghcr.io/acme/api", tag: "2.0" },
      { path: ["web", "image", "tag"], name: "ghcr.io/acme/web", tag: "3.1" },
    ]);
  });

  it("is not a chart or git repository, nor a repository with no tag", () => {
    const values = {
      helm: { repository: "https://charts.bitnami.com/bitnami", tag: "1.0.0" },
      oci: { repository: "oci://ghcr.io/acme/charts", tag: "1.0.0" },
      chart: { chart: "redis", repository: "bitnami", tag: "17.0.0" },
      git: { repository: "git@github.com:acme/deploy", tag: "v1.0.0" },
      gitHttps: { repository: "github.com/acme/deploy.git", tag: "v1.0.0" },
      tagged: { repository: "nginx:1.27", tag: "1.27" },
      templated: { repository: "{{ .Values.global.registry }}/app", tag: "1.0" },
      defaulted: { repository: "ghcr.io/acme/api", tag: "" },
      versioned: { repository: "ghcr.io/acme/api", version: "1.0" },
    };
    expect(imagesInValues(values)).toEqual([]);
  });

  it("is read in a Flux HelmRelease's values per environment and promoted by editing its tag", () => {
    const release = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: podinfo\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: podinfo\n      version: 6.7.0\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n  values:\n    redis:\n      enabled: true\n      repository: public.ecr.aws/docker/library/redis\n      tag: 8.6.2 # pinned\n";
    // Each environment patches only the tag: the repository is the base's.
    const patch = (tag: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: podinfo\nspec:\n  values:\n    redis:\n      tag: ${tag}\n`;
    const overlay = (env: string, patch: string) => [
      [`apps/${env}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base/podinfo\n${patch ? "patches:\n  - path: podinfo-values.yaml\n    target:\n      kind: HelmRelease\n" : ""}`],
      ...(patch ? [[`apps/${env}/podinfo-values.yaml`, patch]] : []),
    ];
    const tree = new Map<string, string>([
      ["apps/base/podinfo/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n"],
      ["apps/base/podinfo/release.yaml", release],
      ...(overlay("staging", patch("8.6.3")) as [string, string][]),
      ...(overlay("production", patch("8.6.1")) as [string, string][]),
    ]);
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "podinfo" && d.env === env)!;
    const redis = (env: string) => cell(env).versions.find((v) => v.name === "public.ecr.aws/docker/library/redis");
    expect(redis("staging")).toMatchObject({ value: "8.6.3", file: "apps/staging/podinfo-values.yaml", field: "spec.values.redis.tag", floating: false });
    expect(redis("production")).toMatchObject({ value: "8.6.1", file: "apps/production/podinfo-values.yaml", field: "spec.values.redis.tag" });
    const plan = planPromotion({ tree, source: cell("staging"), target: cell("production"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["apps/production/podinfo-values.yaml", patch("8.6.3")]]);
    const after = new Map(tree);
    for (const e of plan.changeSet.edits) if (e.content !== null) after.set(e.path, e.content);
    const promoted = readRepository(after).deployments.find((d) => d.app === "podinfo" && d.env === "production");
    expect(promoted?.versions.find((v) => v.name === "public.ecr.aws/docker/library/redis")?.value).toBe("8.6.3");
    expect(readRepository(after).deployments.find((d) => d.app === "podinfo" && d.env === "staging")?.versions.find((v) => v.name.endsWith("/redis"))?.value).toBe("8.6.3");
    // Set only in the shared base, the tag is not edited there behind the other environments' back.
    const baseOnly = new Map([...tree].filter(([f]) => !f.startsWith("apps/production/")));
    baseOnly.set("apps/production/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base/podinfo\n");
    const shared = readRepository(baseOnly).deployments.find((d) => d.app === "podinfo" && d.env === "production")!;
    const refused = planPromotion({ tree: baseOnly, source: cell("staging"), target: shared, mode: "version", baseSha: "a", repository: "r" });
    expect(refused).toMatchObject({ status: "refused", reason: expect.stringContaining("spec.values.redis.tag") });
  });
});
