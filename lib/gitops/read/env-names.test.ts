import { describe, expect, it } from "vitest";
import type { Candidate } from "./candidate";
import { withValidEnvironmentNames } from "./env-names";
import { readRepository } from "./index";

const base = "resources:\n  - deployment.yaml\n";
const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n";
const overlay = (tag: string) => `resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/web\n    newTag: ${tag}\n`;

function candidate(env: string, path: string): Candidate {
  return { app: "web", env, path, appDir: "apps/web", versions: [], errors: [], files: [], source: "kustomize" };
}

describe("environment names from folder names", () => {
  it("become columns only when they are DNS-1123 labels; each invalid one is reported with its folder and why", () => {
    const tree = new Map([
      ["apps/web/base/kustomization.yaml", base],
      ["apps/web/base/deployment.yaml", deployment],
      ["apps/web/overlays/staging/kustomization.yaml", overlay("1.1.0")],
      ["apps/web/overlays/PROD/kustomization.yaml", overlay("1.0.0")],
      ["apps/web/overlays/*e/kustomization.yaml", overlay("1.0.0")],
      ["apps/web/overlays/.git/kustomization.yaml", overlay("1.0.0")],
    ]);
    const model = readRepository(tree);
    expect(model.environments.map((e) => e.name)).toEqual(["staging"]);
    expect(model.deployments.map((d) => d.env)).toEqual(["staging"]);
    const byFile = Object.fromEntries(model.errors.map((e) => [e.file, e.message]));
    expect(byFile["apps/web/overlays/PROD"]).toBe('"PROD" is not a valid environment name, so it is not shown as an environment: Environment must be lowercase: use "prod".');
    expect(byFile["apps/web/overlays/*e"]).toBe('"*e" is not a valid environment name, so it is not shown as an environment: Environment must not contain "*": it references a YAML alias.');
    expect(byFile["apps/web/overlays/.git"]).toBe('".git" is not a valid environment name, so it is not shown as an environment: Environment must not contain "." (a DNS label has no dots): use "-".');
  });

  it("reports a name once, with the other folders that use it", () => {
    const { valid, errors } = withValidEnvironmentNames([
      candidate("..", "apps/a/overlays/.."),
      candidate("..", "apps/b/overlays/.."),
      candidate("..", "apps/c/overlays/.."),
      candidate("dev", "apps/a/overlays/dev"),
    ]);
    expect(valid.map((c) => c.env)).toEqual(["dev"]);
    expect(errors).toEqual([
      {
        file: "apps/a/overlays/..",
        message: '".." is not a valid environment name, so it is not shown as an environment (also 2 other folders: apps/b/overlays/.., apps/c/overlays/..): Environment cannot be "..": it names a folder relative to the current one.',
      },
    ]);
  });
});
