import { describe, expect, it } from "vitest";
import type { FileTree, RepoModel } from "../../model";
import { readRepository } from "../index";
import { customizationFor, fleetTarget } from "./gitrepos";

// Fleet GitRepos kept in the repository: the bundles under their paths go to each of their targets.

const gitRepo = (spec: string) => `apiVersion: fleet.cattle.io/v1alpha1\nkind: GitRepo\nmetadata:\n  name: platform\n  namespace: fleet-default\nspec:\n  repo: https://git.example.com/acme/platform\n${spec}`;
const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: ${name}\n        image: ${image}\n`;
const redisBundle = (version: string, extra = "") => `helm:\n  repo: https://charts.example.com\n  chart: redis\n  releaseName: cache\n  version: ${version}\n${extra}`;

const cells = (m: RepoModel) => m.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`).sort();

describe("Fleet GitRepo targets", () => {
  const tree: FileTree = new Map([
    [
      "fleet/gitrepo.yaml",
      gitRepo(
        "  paths:\n  - apps\n  targets:\n  - name: eu\n    clusterSelector:\n      matchLabels:\n        region: eu\n  - clusterName: us-east-1\n  - clusterSelector:\n      matchLabels:\n        region: ap\n",
      ),
    ],
    [
      "apps/cache/fleet.yaml",
      redisBundle(
        "19.0.0",
        "targetCustomizations:\n- name: us-pin\n  clusterName: us-east-1\n  helm:\n    version: 18.6.0\n- name: apac-off\n  clusterSelector:\n    matchLabels:\n      region: ap\n  doNotDeploy: true\n",
      ),
    ],
    ["apps/worker/deployment.yaml", deployment("worker", "ghcr.io/acme/worker:3.1.0")],
    ["attic/cache/fleet.yaml", redisBundle("17.0.0")],
  ]);

  it("deploys each bundle to each target, named by the target's name, cluster, or selector label", () => {
    const model = readRepository(tree);
    expect(model.environments.map((e) => e.name).sort()).toEqual(["ap", "eu", "us-east-1"]);
    expect(cells(model)).toEqual(["cache@eu=19.0.0", "cache@us-east-1=18.6.0", "worker@ap=3.1.0", "worker@eu=3.1.0", "worker@us-east-1=3.1.0"]);
  });

  it("refines a target with the bundle's customization matching it (cluster name, labels), where it sets the version", () => {
    const model = readRepository(tree);
    const us = model.deployments.find((d) => d.app === "cache" && d.env === "us-east-1");
    expect(us?.versions[0]).toMatchObject({ path: ["targetCustomizations", 0, "helm", "version"], field: "targetCustomizations[name=us-pin].helm.version" });
    const eu = model.deployments.find((d) => d.app === "cache" && d.env === "eu");
    expect(eu?.versions[0]).toMatchObject({ path: ["helm", "version"] });
  });

  it("leaves out a bundle outside every GitRepo's paths, even one named like a deployed bundle", () => {
    const model = readRepository(tree);
    expect(model.deployments.some((d) => d.path.startsWith("attic/"))).toBe(false);
    expect(model.notes.join("\n")).toContain("attic/cache");
    // Without the GitRepo the attic copy is a bundle like any other.
    const without = new Map(tree);
    without.delete("fleet/gitrepo.yaml");
    expect(readRepository(without).deployments.some((d) => d.path === "attic/cache/fleet.yaml")).toBe(true);
  });

  it("deploys the repository root when the GitRepo names no paths; no targets is the one default environment", () => {
    const t: FileTree = new Map([
      ["gitrepo.yaml", gitRepo("  paths:\n  - /cluster\n")],
      ["cluster/cache/fleet.yaml", redisBundle("19.0.0")],
      ["old/cache/fleet.yaml", redisBundle("12.0.0")],
    ]);
    expect(cells(readRepository(t))).toEqual(["cache@default=19.0.0"]);
    const root: FileTree = new Map([
      ["gitrepo.yaml", gitRepo("  targets:\n  - clusterGroup: edge\n")],
      ["cache/fleet.yaml", redisBundle("19.0.0")],
    ]);
    expect(cells(readRepository(root))).toEqual(["cache@edge=19.0.0"]);
  });

  it("reads a GitRepo naming folders this repository lacks as deploying another repository", () => {
    const t = new Map(tree).set("fleet/gitrepo.yaml", gitRepo("  paths:\n  - services/api\n  targets:\n  - name: eu\n"));
    const model = readRepository(t);
    expect(model.environments.map((e) => e.name)).not.toContain("eu");
    expect(model.notes.join("\n")).toMatch(/GitRepo platform .* names folders this repository does not have/);
  });

  it("ignores GitRepos of other APIs and bundles' customizations matched by cluster group and by name", () => {
    const t: FileTree = new Map([
      ["gitrepo.yaml", gitRepo("  targets:\n  - name: canary\n    clusterGroup: canaries\n  - name: stable\n    clusterGroup: everyone\n")],
      ["other.yaml", "apiVersion: example.com/v1\nkind: GitRepo\nspec:\n  paths: [nowhere]\n  targets:\n  - name: ignored\n"],
      ["api/fleet.yaml", "helm:\n  chart: api\n  repo: https://charts.example.com\n  version: 1.0.0\ntargetCustomizations:\n- name: by-group\n  clusterGroup: canaries\n  helm:\n    version: 1.1.0\n- name: stable\n  helm:\n    version: 1.0.1\n"],
    ]);
    expect(cells(readRepository(t))).toEqual(["api@canary=1.1.0", "api@stable=1.0.1"]);
  });
});

describe("a target's environment name", () => {
  it("is its name, cluster, cluster group, else what its selector's labels say", () => {
    expect(fleetTarget({ name: "eu", clusterName: "c1" }).env).toBe("eu");
    expect(fleetTarget({ clusterName: "c1", clusterGroup: "g" }).env).toBe("c1");
    expect(fleetTarget({ clusterGroup: "g" }).env).toBe("g");
    expect(fleetTarget({ clusterSelector: { matchLabels: { env: "Prod" } } }).env).toBe("prod");
    expect(fleetTarget({ clusterSelector: { matchLabels: { env: "prod", region: "eu" } } }).env).toBe("prod-eu");
    expect(fleetTarget({ clusterSelector: { matchExpressions: [{ key: "env", operator: "In", values: ["qa"] }] } }).env).toBe("qa");
    expect(fleetTarget({ clusterSelector: {} })).toMatchObject({ env: "default", everyCluster: true });
  });
});

describe("the customization a target gets", () => {
  const target = fleetTarget({ name: "eu-prod", clusterGroup: "prod", clusterSelector: { matchLabels: { region: "eu", tier: "gold" } } });

  it("is the first whose criteria the target meets, all of them together, as Fleet adds them up", () => {
    const customizations = [{ name: "us", clusterGroup: "prod", clusterSelector: { matchLabels: { region: "us" } } }, { name: "gold", clusterSelector: { matchLabels: { tier: "gold" } } }, { name: "prod", clusterGroup: "prod" }];
    expect(customizationFor(customizations, target)).toBe(1);
    expect(customizationFor([{ clusterSelector: {} }, customizations[2]], target)).toBe(0);
  });

  it("falls back to the customization the target names, and to none", () => {
    expect(customizationFor([{ clusterName: "other" }, { name: "eu-prod" }], target)).toBe(1);
    expect(customizationFor([{ clusterName: "other" }, "not a customization"], target)).toBeUndefined();
  });
});
