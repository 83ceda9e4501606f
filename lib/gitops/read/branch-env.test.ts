import { describe, expect, it } from "vitest";
import { branchEnvironment } from "./branch-env";
import { readRepository } from "./index";

const rendered = {
  "shop/manifest.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: shop\n          image: registry.example.com/shop:4.2.0\n",
  "ledger/manifest.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ledger\nspec:\n  template:\n    spec:\n      containers:\n        - name: ledger\n          image: registry.example.com/ledger:1.0.3\n",
};

describe("a branch of rendered manifests names its environment", () => {
  it("reads env/<name>, environments/<name>, stage/<name> and a branch named like an environment; not main or a feature branch", () => {
    expect(branchEnvironment("env/prod", [])).toBe("prod");
    expect(branchEnvironment("environments/staging", [])).toBe("staging");
    expect(branchEnvironment("stage/dev", [])).toBe("dev");
    expect(branchEnvironment("production", [])).toBe("production");
    expect(branchEnvironment("main", [])).toBeUndefined();
    expect(branchEnvironment("feature/prod-fix", [])).toBeUndefined();
    expect(branchEnvironment("env/eu-west", [])).toBeUndefined();
    expect(branchEnvironment("env/eu-west", ["eu-west"])).toBe("eu-west");
  });

  it("puts every app of a repository with no environment of its own in the branch's environment, with a note", () => {
    const tree = new Map(Object.entries(rendered));
    const cells = (branch?: string) => readRepository(tree, { branch }).deployments.map((d) => `${d.app}@${d.env}`).sort();
    expect(cells()).toEqual(["ledger@default", "shop@default"]);
    expect(cells("env/prod")).toEqual(["ledger@prod", "shop@prod"]);
    expect(readRepository(tree, { branch: "env/prod" }).notes.join("\n")).toContain("the branch env/prod does: every app is in prod");
  });

  it("leaves a repository whose folders name environments as they are", () => {
    const tree = new Map(Object.entries({ "staging/shop/manifest.yaml": rendered["shop/manifest.yaml"], "production/shop/manifest.yaml": rendered["shop/manifest.yaml"] }));
    expect(readRepository(tree, { branch: "env/prod" }).deployments.map((d) => d.env).sort()).toEqual(["production", "staging"]);
  });
});
