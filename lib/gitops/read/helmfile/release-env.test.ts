import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { readRepository } from "../index";

// A helmfile without `environments:` that deploys one release per stage: the stage is the release's
// selector label (`helmfile -l environment=prod`), else its namespace's stage suffix, and the release
// name without that stage is the app.

const cells = (tree: FileTree) =>
  readRepository(tree)
    .deployments.map((d) => `${d.app}@${d.env}`)
    .sort();

const release = (name: string, namespace: string, labels: string) => `  - name: ${name}
    namespace: ${namespace}
    chart: shop/storefront
    version: 3.1.0
${labels}`;

describe("the environment of a release in a helmfile without environments", () => {
  it("is its environment label, and the app drops that stage from the release name", () => {
    const tree: FileTree = new Map([
      ["deploy/helmfile.yaml", `releases:\n${release("storefront", "storefront", "    labels:\n      environment: prod\n")}${release("storefront-stage", "storefront-stage", "    labels:\n      environment: stage\n")}`],
    ]);
    expect(cells(tree)).toEqual(["storefront@prod", "storefront@stage"]);
  });

  it("reads `env` and `stage` labels too, and ignores a label that names no stage", () => {
    const tree: FileTree = new Map([
      [
        "helmfile.yaml",
        `releases:\n${release("storefront-qa", "shop", "    labels:\n      env: qa\n")}${release("storefront", "shop", "    labels:\n      stage: production\n")}${release("search", "shop", "    labels:\n      environment: blue\n      team: search\n")}`,
      ],
    ]);
    expect(cells(tree)).toEqual(["search@default", "storefront@production", "storefront@qa"]);
  });

  it("falls back to the namespace's stage suffix, also dropping the stage from the app's name", () => {
    const tree: FileTree = new Map([["helmfile.yaml", `releases:\n${release("storefront-staging", "shop-staging", "")}${release("storefront", "shop", "")}`]]);
    expect(cells(tree)).toEqual(["storefront@default", "storefront@staging"]);
  });

  it("leaves a helmfile that declares environments to them", () => {
    const tree: FileTree = new Map([
      ["helmfile.yaml", `environments:\n  staging: {}\n  production: {}\n---\nreleases:\n${release("storefront", "shop", "    labels:\n      environment: prod\n")}`],
    ]);
    expect(cells(tree)).toEqual(["storefront@production", "storefront@staging"]);
  });
});

describe("an image repository helmfile learns only when it runs", () => {
  it("is not a version name: the image is named after the app, and the cell says why", () => {
    const tree: FileTree = new Map([
      [
        "helmfile.yaml.gotmpl",
        `releases:\n  - name: storefront-prod\n    namespace: storefront-prod\n    chart: shop/storefront\n    version: 3.1.0\n    set:\n      - name: image.tag\n        value: v{{ requiredEnv "VERSION" }}\n      - name: image.repository\n        value: {{ requiredEnv "REPOSITORY" }}\n`,
      ],
    ]);
    const cell = readRepository(tree).deployments.find((d) => d.app === "storefront" && d.env === "prod");
    const image = cell?.versions.find((v) => v.kind === "image");
    expect(image).toMatchObject({ name: "storefront", value: null, floating: true });
    expect(JSON.stringify(cell)).not.toContain("ferry-unresolved");
    expect(cell?.errors).toEqual([
      "helmfile.yaml.gotmpl: the image repository of release storefront-prod is set when helmfile runs (requiredEnv REPOSITORY); Ferry names the image after the app, storefront",
      "helmfile.yaml.gotmpl: releases[name=storefront-prod].set[name=image.tag].value is set when helmfile runs (requiredEnv VERSION); its version is not in the repository",
    ]);
  });
});
