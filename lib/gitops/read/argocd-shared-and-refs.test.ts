import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { planPromotion } from "../promote";
import { readRepository } from ".";
import { isPinnedGitRevision } from "./argocd-refs";

const app = (name: string, body: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
${body}  destination:
    server: https://kubernetes.default.svc
    namespace: ${name}
`;

const release = (name: string, env: string, valuesFile: string) =>
  app(
    `${name}-${env}`,
    `  source:
    repoURL: https://git.example/acme/platform.git
    targetRevision: main
    path: charts/svc
    helm:
      releaseName: ${name}-${env}
      valueFiles:
        - values.yaml
        - ${valuesFile}
`,
  );

const chart: [string, string][] = [
  ["charts/svc/Chart.yaml", "apiVersion: v2\nname: svc\nversion: 1.0.0\n"],
  ["charts/svc/values.yaml", "image:\n  repository: ghcr.io/acme/svc\n  tag: \"0.0.1\"\n"],
  ["charts/svc/templates/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"],
];

const cells = (tree: FileTree) =>
  readRepository(tree)
    .deployments.map((d) => `${d.app} × ${d.env}: ${d.versions.map((v) => `${v.name}=${v.value}@${v.file}:${v.field}`).join(", ")}`)
    .sort();

describe("one chart folder deployed by several Applications into one environment", () => {
  // Two services share a generic chart in staging and production, each with its own values file per env.
  const tree: FileTree = new Map([
    ...chart,
    ["argocd/api-staging.yaml", release("api", "staging", "../../envs/staging/api.yaml")],
    ["argocd/web-staging.yaml", release("web", "staging", "../../envs/staging/web.yaml")],
    ["argocd/api-production.yaml", release("api", "production", "../../envs/production/api.yaml")],
    ["argocd/web-production.yaml", release("web", "production", "../../envs/production/web.yaml")],
    ["envs/staging/api.yaml", "image:\n  repository: ghcr.io/acme/api\n  tag: \"2.1.0\"\n"],
    ["envs/staging/web.yaml", "image:\n  repository: ghcr.io/acme/web\n  tag: \"7.0.0\"\n"],
    ["envs/production/api.yaml", "image:\n  repository: ghcr.io/acme/api\n  tag: \"2.0.0\"\n"],
    ["envs/production/web.yaml", "image:\n  repository: ghcr.io/acme/web\n  tag: \"6.9.0\"\n"],
  ]);

  it("gives each Application its own row, named after it, with its own values", () => {
    expect(cells(tree)).toEqual([
      "api × production: ghcr.io/acme/api=2.0.0@envs/production/api.yaml:image.tag",
      "api × staging: ghcr.io/acme/api=2.1.0@envs/staging/api.yaml:image.tag",
      "web × production: ghcr.io/acme/web=6.9.0@envs/production/web.yaml:image.tag",
      "web × staging: ghcr.io/acme/web=7.0.0@envs/staging/web.yaml:image.tag",
    ]);
  });

  it("replaces the chart's values-<env>.yaml cell by the Applications that pass it", () => {
    const withEnvFile: FileTree = new Map([
      ...tree,
      ["charts/svc/values-production.yaml", "replicaCount: 2\n"],
      ["argocd/api-production.yaml", release("api", "production", "values-production.yaml\n        - ../../envs/production/api.yaml")],
      ["argocd/web-production.yaml", release("web", "production", "values-production.yaml\n        - ../../envs/production/web.yaml")],
    ]);
    const out = cells(withEnvFile);
    expect(out.filter((c) => c.includes("× production"))).toEqual([
      "api × production: ghcr.io/acme/api=2.0.0@envs/production/api.yaml:image.tag",
      "web × production: ghcr.io/acme/web=6.9.0@envs/production/web.yaml:image.tag",
    ]);
    expect(out.some((c) => c.startsWith("svc "))).toBe(false);
    expect(readRepository(withEnvFile).notes?.join("\n") ?? "").toMatch(/charts\/svc\/values-production\.yaml: several Argo CD Applications deploy charts\/svc in production/);
  });

  it("keeps one cell for Applications of one app (same name minus env) deploying the folder", () => {
    const same: FileTree = new Map([
      ...chart,
      ["argocd/api-production.yaml", release("api", "production", "../../envs/production/api.yaml")],
      ["dr/api-production.yaml", release("api", "production", "../../envs/production/api.yaml")],
      ["envs/production/api.yaml", "image:\n  repository: ghcr.io/acme/api\n  tag: \"2.0.0\"\n"],
    ]);
    expect(cells(same)).toEqual(["api × production: ghcr.io/acme/api=2.0.0@envs/production/api.yaml:image.tag"]);
  });

  it("promotes one release from staging to production in its own values file only", () => {
    const model = readRepository(tree);
    const cell = (a: string, env: string) => model.deployments.find((d) => d.app === a && d.env === env)!;
    const plan = planPromotion({ tree, source: cell("api", "staging"), target: cell("api", "production"), mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["envs/production/api.yaml", "image:\n  repository: ghcr.io/acme/api\n  tag: \"2.1.0\"\n"]]);
  });
});

const multiSource = (sources: string) => app("shop", `  sources:\n${sources}`);

describe("multi-source refs", () => {
  it("resolves $ref/… from the root of the ref source's repository, whatever its path", () => {
    const tree: FileTree = new Map([
      [
        "argocd/shop.yaml",
        multiSource(`    - repoURL: https://charts.example
      chart: shop
      targetRevision: 2.3.1
      helm:
        valueFiles:
          - $values/envs/prod/values.yaml
    - repoURL: https://git.example/acme/gitops.git
      targetRevision: main
      ref: values
      path: envs/prod/extra
`),
      ],
      ["envs/prod/extra/pvc.yaml", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n"],
      ["envs/prod/extra/envs/prod/values.yaml", "image:\n  repository: ghcr.io/acme/wrong\n  tag: \"0.0.0\"\n"],
      ["envs/prod/values.yaml", "image:\n  repository: ghcr.io/acme/shop\n  tag: \"4f2e1a9\"\n"],
    ]);
    expect(cells(tree)).toEqual(["shop × default: shop=2.3.1@argocd/shop.yaml:spec.sources[0].targetRevision, ghcr.io/acme/shop=4f2e1a9@envs/prod/values.yaml:image.tag"]);
  });

  const external = (revision: string, ref: string) =>
    new Map([
      [
        "argocd/shop.yaml",
        multiSource(`    - repoURL: https://git.example/acme/app-code.git
      targetRevision: ${revision}
      path: charts/shop
${ref}      helm:
        valueFiles:
          - $values/envs/prod/values.yaml
    - repoURL: https://git.example/acme/gitops.git
      targetRevision: main
      ref: values
`),
      ],
      ["envs/prod/values.yaml", "image:\n  repository: ghcr.io/acme/shop\n  tag: \"4f2e1a9\"\n"],
    ]);
  const sha = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";

  it("renders a source that has a ref and a path, and reports the pinned revision of a chart folder in another repository", () => {
    const expected = [`shop × default: https://git.example/acme/app-code.git//charts/shop=${sha}@argocd/shop.yaml:spec.sources[0].targetRevision, ghcr.io/acme/shop=4f2e1a9@envs/prod/values.yaml:image.tag`];
    expect(cells(external(sha, "      ref: chart-source\n"))).toEqual(expected);
    expect(cells(external(sha, ""))).toEqual(expected);
    const git = readRepository(external(sha, "")).deployments[0]?.versions.find((v) => v.kind === "git");
    expect(git).toMatchObject({ floating: false, path: ["spec", "sources", 0, "targetRevision"] });
  });

  it("marks a branch of the other repository floating", () => {
    const git = readRepository(external("main", "")).deployments[0]?.versions.find((v) => v.kind === "git");
    expect(git).toMatchObject({ value: "main", floating: true });
  });

  it("promotes the pinned revision in the Application file", () => {
    const staging = new Map([...external("v1.4.0", "")].map(([k, v]) => [k.replace("shop.yaml", "shop-staging.yaml"), v.replace("name: shop", "name: shop-staging").replace("envs/prod/", "envs/staging/")]));
    const prod = new Map([...external("v1.3.0", "")].map(([k, v]) => [k.replace("shop.yaml", "shop-production.yaml"), v.replace("name: shop", "name: shop-production")]));
    const tree: FileTree = new Map([...staging, ...prod, ["envs/staging/values.yaml", "image:\n  repository: ghcr.io/acme/shop\n  tag: \"4f2e1a9\"\n"]]);
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "shop" && d.env === env)!;
    const plan = planPromotion({ tree, source: cell("staging"), target: cell("production"), mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["argocd/shop-production.yaml"]);
    expect(plan.changeSet.edits[0]?.content).toContain("targetRevision: v1.4.0");
    expect(plan.changeSet.edits[0]?.content).toContain("targetRevision: main");
  });

  it("tells commits and version tags from branches", () => {
    expect([sha, "4f2e1a9", "v1.4.0", "release-2.3", "v2"].map(isPinnedGitRevision)).toEqual([true, true, true, true, true]);
    expect(["HEAD", "main", "feature-x", "", null].map(isPinnedGitRevision)).toEqual([false, false, false, false, false]);
  });
});
