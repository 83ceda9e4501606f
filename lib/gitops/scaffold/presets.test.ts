import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { readRepository } from "../read";
import { planApp, planTenant, type AppRequest, type ScaffoldPlan, type TenantRequest } from ".";
import { generatedSource } from "./presets/generate";
import { readDir, SCAFFOLD_FIXTURES, writeDir } from "./testing/fixture-tree";
import { demoTree } from "./testing/demo-tree";

// Each preset against a repository in its convention. The expected files (fixtures/<case>/expected)
// hold every file the change creates or edits, as the reviewer would see it after merging.
// UPDATE_SCAFFOLD_FIXTURES=1 rewrites them: review the diff before committing.

const KUBECTL = "/usr/bin/kubectl";
const hasKubectl = fs.existsSync(KUBECTL);

const TENANT: TenantRequest = {
  name: "billing",
  displayName: "Billing & Invoicing",
  owners: ["dana", "alex@ferry.example"],
  environments: [
    { name: "dev", cluster: "https://kubernetes.default.svc", namespace: "billing-dev" },
    { name: "production", cluster: "https://kubernetes.default.svc", namespace: "billing-production" },
  ],
  apps: { repository: "billing-gitops", path: "deploy" },
};

const APP: AppRequest = { name: "refunds", team: "payments", image: "ghcr.io/acme/refunds", tag: "1.0", port: 8080, environments: ["dev", "staging", "production"] };

function tenantPlan(tree: FileTree, request: TenantRequest = TENANT): ScaffoldPlan {
  return planTenant({ repository: "platform", tree, model: readRepository(tree), request, platformRepoURL: "https://git.acme.example/platform/platform.git", platformBranch: "main", appsRepoURL: "https://git.acme.example/billing/billing-gitops.git", appsBranch: "main" });
}

function appPlan(repo: string, tree: FileTree, request: AppRequest = APP): ScaffoldPlan {
  return planApp({ repository: repo, tree, model: readRepository(tree), request, repoURL: `https://git.acme.example/acme/${repo}.git`, branch: "main" });
}

function changed(plan: ScaffoldPlan): Map<string, string> {
  if (plan.status !== "changes") throw new Error(`refused: ${plan.reason}`);
  return new Map(plan.changeSet.edits.map((e) => [e.path, e.content ?? ""]));
}

function expectFixture(name: string, files: Map<string, string>): void {
  const dir = path.join(SCAFFOLD_FIXTURES, name, "expected");
  if (process.env.UPDATE_SCAFFOLD_FIXTURES) writeDir(dir, files);
  const expected = readDir(dir);
  expect([...files.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [p, content] of files) expect(content, p).toBe(expected.get(p));
}

/** Writes the tree with the plan applied to a temp dir and runs `kubectl kustomize` in `dirs`. */
function kustomizeBuild(tree: FileTree, files: Map<string, string>, dirs: string[]): string[] {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-scaffold-"));
  try {
    writeDir(tmp, new Map([...tree, ...files]));
    return dirs.map((d) => execFileSync(KUBECTL, ["kustomize", path.join(tmp, d)], { encoding: "utf8", timeout: 30_000 }));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const kustomizationDirs = (files: Map<string, string>) => [...files.keys()].filter((p) => /(^|\/)kustomization\.ya?ml$/.test(p)).map((p) => path.dirname(p));

describe("the generated preset module", () => {
  it("is up to date with the preset folders (run lib/gitops/scaffold/presets/generate.ts)", () => {
    expect(fs.readFileSync(path.join(import.meta.dirname, "presets/generated.ts"), "utf8")).toBe(generatedSource());
  });
});

describe("tenant presets", () => {
  it("argocd: AppProject, tenant Application + app of apps, namespaces, role bindings (demo platform repo)", () => {
    const plan = tenantPlan(demoTree("platform"));
    expect(plan).toMatchObject({ status: "changes", templates: { preset: "argocd", origin: "preset" } });
    expectFixture("argocd-tenant", changed(plan));
    if (plan.status === "changes") {
      expect(plan.changeSet.branch).toBe("ferry/tenant/billing");
      expect(plan.changeSet.edits.every((e) => e.action === "create")).toBe(true);
    }
  });

  it("flux: tenants/base/<t> + per-env overlays, each env kustomization gets the tenant appended (comments kept)", () => {
    const tree = readDir(path.join(SCAFFOLD_FIXTURES, "flux-tenants/input"));
    const plan = tenantPlan(tree);
    expect(plan).toMatchObject({ status: "changes", templates: { preset: "flux" } });
    const files = changed(plan);
    expectFixture("flux-tenants", files);
    expect(files.get("tenants/dev/kustomization.yaml")).toBe(`${tree.get("tenants/dev/kustomization.yaml")}  - billing\n`);
    if (plan.status === "changes") expect(plan.changeSet.diff).toContain("+  - billing");
  });

  it.skipIf(!hasKubectl)("flux: every generated kustomization and the edited env kustomizations build", () => {
    const tree = readDir(path.join(SCAFFOLD_FIXTURES, "flux-tenants/input"));
    const files = changed(tenantPlan(tree));
    const dirs = [...new Set([...kustomizationDirs(files), "tenants/dev", "tenants/production"])];
    expect(dirs).toEqual(expect.arrayContaining(["tenants/base/billing", "tenants/dev/billing", "tenants/production/billing", "tenants/dev"]));
    const [base, ...rest] = kustomizeBuild(tree, files, dirs);
    expect(base).toContain("kind: GitRepository");
    const devAll = rest[dirs.indexOf("tenants/dev") - 1]!;
    // The env kustomization now renders both tenants; billing's namespace is the one chosen for dev.
    expect(devAll).toContain("name: team1");
    expect(devAll).toContain("name: billing-dev");
    expect(devAll).toContain("path: ./deploy/dev");
  });

  it("flux: an env without a tenants kustomization gets one created", () => {
    const tree = readDir(path.join(SCAFFOLD_FIXTURES, "flux-tenants/input"));
    const plan = tenantPlan(tree, { ...TENANT, environments: [...TENANT.environments, { name: "staging", cluster: "staging", namespace: "billing-staging" }] });
    const files = changed(plan);
    expect(files.get("tenants/staging/kustomization.yaml")).toBe("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - billing\n");
  });

  it("appset: tenants/<t>/tenant-values.yaml", () => {
    const plan = tenantPlan(readDir(path.join(SCAFFOLD_FIXTURES, "appset-tenants/input")));
    expect(plan).toMatchObject({ status: "changes", templates: { preset: "appset" } });
    expectFixture("appset-tenants", changed(plan));
  });

  it("the form may override the detected preset with one the repository's reconcilers take in", () => {
    const appset = readDir(path.join(SCAFFOLD_FIXTURES, "appset-tenants/input")).get("apps/argocd/applications/tenants-appset.yaml")!;
    const tree = new Map([...demoTree("platform"), ["argocd/appsets/tenants.yaml", appset.replaceAll("https://git.example.com/platform/cluster-resources.git", "https://git.acme.example/platform/platform.git")]]);
    const plan = tenantPlan(tree, { ...TENANT, preset: "appset" });
    expect([...changed(plan).keys()]).toEqual(["tenants/billing/tenant-values.yaml"]);
    if (plan.status === "changes") expect(plan.notes).toContain("tenants/billing/tenant-values.yaml is applied by argocd/appsets/tenants.yaml (ApplicationSet tenants).");
  });

  it("refuses a chosen preset whose files nothing in the repository would apply, naming them", () => {
    // The demo platform has no ApplicationSet reading tenant-values.yaml files.
    const appset = tenantPlan(demoTree("platform"), { ...TENANT, preset: "appset" });
    expect(appset).toMatchObject({ status: "refused", reason: expect.stringContaining("The appset preset writes files that no Argo CD or Flux object of platform would apply (tenants/billing/tenant-values.yaml)") });
    // Argo CD objects in a Flux repository: nothing there applies them.
    const flux = readDir(path.join(SCAFFOLD_FIXTURES, "flux-tenants/input"));
    const argocd = tenantPlan(flux, { ...TENANT, preset: "argocd" });
    expect(argocd).toMatchObject({ status: "refused", reason: expect.stringContaining("argocd/applications/billing.yaml") });
  });

  it("the plan lists which reconciler applies each new file", () => {
    const demo = tenantPlan(demoTree("platform"));
    if (demo.status !== "changes") throw new Error(demo.reason);
    expect(demo.notes).toEqual(
      expect.arrayContaining([
        "tenants/billing/namespaces.yaml is applied by argocd/applications/billing.yaml (Application billing-tenant).",
        "argocd/applications/billing.yaml is applied as the other files in argocd/applications/ are today: nothing in this repository applies them.",
      ]),
    );
    const flux = tenantPlan(readDir(path.join(SCAFFOLD_FIXTURES, "flux-tenants/input")));
    if (flux.status !== "changes") throw new Error(flux.reason);
    expect(flux.notes).toEqual(
      expect.arrayContaining([
        "tenants/base/billing/rbac.yaml is applied by clusters/dev/tenants.yaml (Kustomization tenants).",
        "tenants/dev/billing/kustomization.yaml is applied by clusters/dev/tenants.yaml (Kustomization tenants).",
        // The fixture wires only dev: production's tenants go however they go today.
        "tenants/production/billing/kustomization.yaml is applied as the other files in tenants/production/ are today: nothing in this repository applies them.",
      ]),
    );
  });
});

describe("app presets", () => {
  it("argocd: env folders with plain manifests + argocd/<app>-<env>.yaml (demo payments-gitops)", () => {
    const plan = appPlan("payments-gitops", demoTree("payments-gitops"));
    expect(plan).toMatchObject({ status: "changes", templates: { preset: "argocd" } });
    if (plan.status === "changes") expect(plan.notes).toContain("production: apps/refunds/production is deployed by argocd/refunds-production.yaml.");
    expectFixture("argocd-app", changed(plan));
  });

  it("the new app reads back as an app with a version in every environment", () => {
    const tree = demoTree("payments-gitops");
    const after = new Map([...tree, ...changed(appPlan("payments-gitops", tree))]);
    const model = readRepository(after);
    expect(model.apps.find((a) => a.name === "refunds")).toMatchObject({ team: "payments", path: "apps/refunds" });
    const cells = model.deployments.filter((d) => d.app === "refunds");
    expect(cells.map((d) => [d.env, d.versions[0]?.value, d.destination?.wiredBy])).toEqual([
      ["dev", "1.0", "argocd/refunds-dev.yaml"],
      ["staging", "1.0", "argocd/refunds-staging.yaml"],
      ["production", "1.0", "argocd/refunds-production.yaml"],
    ]);
  });

  it("flux: kustomize base + overlays with images:, a Flux Kustomization per env, the team's app list (demo fleet)", () => {
    const plan = appPlan("fleet", demoTree("fleet"), { ...APP, team: "identity" });
    expect(plan).toMatchObject({ status: "changes", templates: { preset: "flux" } });
    const files = changed(plan);
    expectFixture("flux-app", files);
    expect(files.get(".ferry/config.yaml")).toContain("identity: [auth, profile, sessions, refunds]");
    const model = readRepository(new Map([...demoTree("fleet"), ...files]));
    expect(model.deployments.filter((d) => d.app === "refunds").map((d) => [d.env, d.versions[0]?.value, d.destination?.namespace])).toEqual([
      ["dev", "1.0", "identity-dev"],
      ["staging", "1.0", "identity-staging"],
      ["production", "1.0", "identity-production"],
    ]);
    expect(model.apps.find((a) => a.name === "refunds")?.team).toBe("identity");
  });

  it.skipIf(!hasKubectl)("flux: every generated kustomization builds", () => {
    const tree = demoTree("fleet");
    const files = changed(appPlan("fleet", tree, { ...APP, team: "identity" }));
    const dirs = kustomizationDirs(files);
    expect(dirs.length).toBe(4);
    for (const out of kustomizeBuild(tree, files, dirs.filter((d) => !d.endsWith("base")))) {
      expect(out).toContain("image: ghcr.io/acme/refunds:1.0");
      expect(out).toMatch(/namespace: identity-(dev|staging|production)/);
    }
  });
});

describe("an added app follows what the repository's reconcilers watch", () => {
  // An ApplicationSet over `apps/*/envs/*`: the repository's apps keep their environments in `envs/`.
  const appSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://git.acme.example/acme/shop-gitops.git
        revision: main
        directories:
          - path: apps/*/envs/*
  template:
    metadata:
      name: '{{ index .path.segments 1 }}-{{ .path.basename }}'
    spec:
      project: default
      source:
        repoURL: https://git.acme.example/acme/shop-gitops.git
        targetRevision: main
        path: '{{ .path.path }}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{ index .path.segments 1 }}-{{ .path.basename }}'
`;
  const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart\nspec:\n  template:\n    spec:\n      containers:\n        - name: cart\n          image: ghcr.io/acme/cart:2.0.0\n";
  const shop: FileTree = new Map([
    ["argocd/apps.yaml", appSet],
    ["apps/cart/base/kustomization.yaml", "resources:\n  - deployment.yaml\n"],
    ["apps/cart/base/deployment.yaml", deployment],
    ...["dev", "staging", "production"].map((env): [string, string] => [`apps/cart/envs/${env}/kustomization.yaml`, `resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/cart\n    newTag: 2.0.0\n`]),
  ]);

  it("writes the environments where the ApplicationSet looks, and the plan says who deploys each", () => {
    const plan = appPlan("shop-gitops", shop);
    if (plan.status !== "changes") throw new Error(plan.reason);
    const files = [...plan.changeSet.edits.map((e) => e.path)].sort();
    expect(files).toContain("apps/refunds/envs/production/kustomization.yaml");
    expect(files.some((f) => f.includes("/overlays/"))).toBe(false);
    expect(plan.notes).toContain("production: apps/refunds/envs/production is deployed by argocd/apps.yaml.");
    expect(plan.changeSet.body).toContain("- dev: apps/refunds/envs/dev is deployed by argocd/apps.yaml.");
  });

  it.skipIf(!hasKubectl)("and what it writes builds with the new image", () => {
    const files = changed(appPlan("shop-gitops", shop));
    for (const out of kustomizeBuild(shop, files, kustomizationDirs(files).filter((d) => d.includes("/envs/")))) expect(out).toContain("image: ghcr.io/acme/refunds:1.0");
  });

  it("falls back to a preset the reconcilers pick up when the detected one would not be deployed, and says why", () => {
    // The ApplicationSet lists its folders one by one: a new folder is deployed only by an Application of its own.
    const listed = appSet.replace(
      "    - git:\n        repoURL: https://git.acme.example/acme/shop-gitops.git\n        revision: main\n        directories:\n          - path: apps/*/envs/*\n",
      "    - list:\n        elements:\n" + ["dev", "staging", "production"].map((env) => `          - path: { path: apps/cart/envs/${env}, basename: ${env}, segments: [apps, cart, envs, ${env}] }\n`).join(""),
    );
    const tree = new Map([...shop, ["argocd/apps.yaml", listed]]);
    expect(readRepository(tree).deployments.filter((d) => d.app === "cart").map((d) => d.env).sort()).toEqual(["dev", "production", "staging"]);
    const plan = appPlan("shop-gitops", tree);
    if (plan.status !== "changes") throw new Error(plan.reason);
    expect(plan.templates.preset).toBe("argocd");
    expect(plan.notes.join("\n")).toContain("The appset preset this repository looked like would not be deployed (dev, staging, production); the argocd preset is what its reconcilers pick up.");
  });

  it("refuses a chosen preset nothing in the repository would deploy, naming the folders; the detected one on a Flux repository is Flux", () => {
    const refused = appPlan("shop-gitops", shop, { ...APP, preset: "argocd" });
    // The argocd preset brings its own Applications, which deploy its folders: it is picked up, by them.
    expect(refused.status).toBe("changes");
    const onFlux = appPlan("fleet", demoTree("fleet"), { ...APP, team: "identity", preset: "appset" });
    expect(onFlux.status).toBe("refused");
    if (onFlux.status === "refused") {
      expect(onFlux.reason).toContain("The appset preset writes files no Argo CD or Flux object of this repository would deploy in dev (apps/refunds/overlays/dev)");
      expect(onFlux.reason).toContain("Choose another preset");
    }
  });
});

describe("the tenant preset of a repository", () => {
  it("is Flux where Flux reconciles the repository and no Argo CD object is there, even with HelmReleases only", async () => {
    const { detectTenantPreset } = await import("./presets");
    const release = (env: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: podinfo\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      version: 6.7.0\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n  values:\n    replicaCount: ${env === "prod" ? 3 : 1}\n`;
    const tree: FileTree = new Map([
      ["apps/staging/podinfo.yaml", release("staging")],
      ["apps/prod/podinfo.yaml", release("prod")],
    ]);
    const model = readRepository(tree);
    expect(model.conventions).toContain("flux-helmrelease");
    expect(model.conventions).not.toContain("flux-kustomization");
    expect(detectTenantPreset(tree, model)).toBe("flux");
  });
});
