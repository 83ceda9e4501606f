import { describe, expect, it } from "vitest";
import type { FileTree, Version } from "../model";
import { readRepository } from ".";
import { placeholderImageProblems } from "./placeholder-images";

const ZEROS = `sha256:${"0".repeat(64)}`;
const image = (name: string, value: string | null, digest?: string): Version => ({
  kind: "image",
  name,
  value,
  floating: false,
  file: "k.yaml",
  doc: 0,
  path: ["images", 0, "newTag"],
  field: "images[name=app].newTag",
  ...(digest ? { digest } : {}),
});

describe("placeholder images", () => {
  it("names a placeholder token, a blank or an all-zero digest", () => {
    expect(placeholderImageProblems([image("ECR_REGISTRY_PLACEHOLDER/auth-api", ZEROS, ZEROS)])).toEqual([expect.stringContaining('holds "PLACEHOLDER"')]);
    expect(placeholderImageProblems([image("ghcr.io/CHANGEME-ORG/app", "1.0.0")])).toEqual([expect.stringContaining('holds "CHANGEME"')]);
    expect(placeholderImageProblems([image("replace_me.azurecr.io/app", "1.0.0")])).toHaveLength(1);
    expect(placeholderImageProblems([image("<your-registry>/app", "1.0.0")])).toHaveLength(1);
    expect(placeholderImageProblems([image("ghcr.io/org/app", ZEROS, ZEROS)])).toEqual([expect.stringContaining("digest is all zeros")]);
  });

  it("leaves real names alone, and versions that are not images", () => {
    const real = ["ghcr.io/org/replacement-api", "ghcr.io/yourcompany/app", "docker.io/library/nginx", "ghcr.io/org/placeholderish"];
    expect(placeholderImageProblems(real.map((n) => image(n, "1.0.0")))).toEqual([]);
    expect(placeholderImageProblems([image("ghcr.io/org/app", `sha256:${"0".repeat(63)}1`, `sha256:${"0".repeat(63)}1`)])).toEqual([]);
    expect(placeholderImageProblems([{ ...image("CHANGEME", "1.0.0"), kind: "chart" }])).toEqual([]);
  });

  it("the cell keeps the version and says it is a placeholder", () => {
    const tree: FileTree = new Map([
      ["apps/auth-api/base/kustomization.yaml", "resources:\n- deployment.yaml\n"],
      ["apps/auth-api/base/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: auth-api\nspec:\n  template:\n    spec:\n      containers:\n      - name: auth-api\n        image: auth-api:latest\n"],
      ["apps/auth-api/overlays/dev/kustomization.yaml", "resources:\n- ../../base\nimages:\n- name: auth-api\n  newName: ghcr.io/org/auth-api\n  newTag: 1.2.0\n"],
      ["apps/auth-api/overlays/prod/kustomization.yaml", `resources:\n- ../../base\nimages:\n- name: auth-api\n  newName: ECR_REGISTRY_PLACEHOLDER/auth-api\n  digest: ${ZEROS}\n`],
    ]);
    const cells = new Map(readRepository(tree).deployments.map((d) => [d.env, d]));
    expect(cells.get("dev")?.errors).toEqual([]);
    const prod = cells.get("prod");
    expect(prod?.versions.map((v) => [v.name, v.value])).toEqual([["ECR_REGISTRY_PLACEHOLDER/auth-api", ZEROS]]);
    expect(prod?.errors).toEqual([expect.stringMatching(/^apps\/auth-api\/overlays\/prod\/kustomization\.yaml: .*ECR_REGISTRY_PLACEHOLDER\/auth-api is a placeholder/)]);
  });
});
