import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { readRepository } from "./index";

// An umbrella chart's dependency is a version of the environments that deploy it: one its `condition:`
// turns off in an environment's values is not deployed there.

const chart = "apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n  - name: mysql\n    version: 9.x.x\n    repository: https://charts.bitnami.com/bitnami\n    condition: mysql.enabled,global.mysql.enabled\n  - name: redis\n    version: 18.1.0\n    repository: https://charts.bitnami.com/bitnami\n";

describe("chart dependencies switched by condition", () => {
  it("leaves out a dependency the environment's values turn off, and keeps it where they do not", () => {
    const tree: FileTree = new Map([
      ["charts/shop/Chart.yaml", chart],
      ["charts/shop/values.yaml", "mysql:\n  enabled: true\nimage:\n  repository: ghcr.io/acme/shop\n  tag: 2.0.0\n"],
      ["charts/shop/values-staging.yaml", "image:\n  tag: 2.3.5\n"],
      ["charts/shop/values-prod.yaml", "mysql:\n  enabled: false\nimage:\n  tag: 2.3.4\n"],
    ]);
    const versions = (env: string) => readRepository(tree).deployments.find((d) => d.env === env)?.versions.map((v) => `${v.name}=${v.value}`);
    expect(versions("staging")).toEqual(["https://charts.bitnami.com/bitnami/mysql=9.x.x", "https://charts.bitnami.com/bitnami/redis=18.1.0", "ghcr.io/acme/shop=2.3.5"]);
    expect(versions("prod")).toEqual(["https://charts.bitnami.com/bitnami/redis=18.1.0", "ghcr.io/acme/shop=2.3.4"]);
  });
});
