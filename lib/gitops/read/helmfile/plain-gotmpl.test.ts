import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { applyEdits } from "../../promote/test-helpers";
import { readRepository } from "../index";

// helmfile names environment values `environments/<env>.yaml.gotmpl` by habit; a file without a single
// `{{` renders to itself, so it is plain YAML and a promotion edits it like any values file.

const HELMFILE = `environments:
  default:
    values:
      - environments/{{ .Environment.Name }}.yaml.gotmpl
  production:
    values:
      - environments/{{ .Environment.Name }}.yaml.gotmpl
---
repositories:
  - name: acme
    url: https://charts.acme.example
releases:
  - name: web
    namespace: web
    chart: acme/web
    version: 2.0.0
    values:
      - values/web.yaml.gotmpl
`;

function tree(production: string): FileTree {
  return new Map([
    ["helmfile.yaml.gotmpl", HELMFILE],
    ["values/web.yaml.gotmpl", "image:\n  repository: ghcr.io/acme/web\n  tag: {{ .StateValues.web.IMAGE_TAG }}\n"],
    ["environments/default.yaml.gotmpl", "web:\n  IMAGE_TAG: sha-2222222\n"],
    ["environments/production.yaml.gotmpl", production],
  ]);
}

const cell = (t: FileTree, env: string) => readRepository(t).deployments.find((d) => d.app === "web" && d.env === env);

function promote(t: FileTree) {
  const source = cell(t, "default");
  const target = cell(t, "production");
  if (!source || !target) throw new Error("no web in default or production");
  return planPromotion({ tree: t, source, target, mode: "version", baseSha: "abc", repository: "r" });
}

describe("a .gotmpl values file without template actions", () => {
  it("is read as plain YAML: the image tag is located there with no 'rendered from a template' error", () => {
    const production = cell(tree("# production pins a build\nweb:\n  IMAGE_TAG: sha-1111111 # promoted 2026-11-02\n"), "production");
    expect(production?.versions.find((v) => v.kind === "image")).toMatchObject({ value: "sha-1111111", file: "environments/production.yaml.gotmpl", path: ["web", "IMAGE_TAG"] });
    expect(production?.errors).toEqual([]);
  });

  it("is edited in place by a promotion, comments kept", () => {
    const t = tree("# production pins a build\nweb:\n  IMAGE_TAG: sha-1111111 # promoted 2026-11-02\n");
    const plan = promote(t);
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    const after = applyEdits(t, plan.changeSet.edits);
    expect(after.get("environments/production.yaml.gotmpl")).toBe("# production pins a build\nweb:\n  IMAGE_TAG: sha-2222222 # promoted 2026-11-02\n");
    expect(cell(after, "production")?.versions.find((v) => v.kind === "image")?.value).toBe("sha-2222222");
  });

  it("is still rendered, and left to a hand edit, when it holds an action", () => {
    const production = cell(tree('web:\n  IMAGE_TAG: {{ env "WEB_TAG" | default "sha-1111111" }}\n'), "production");
    expect(production?.versions.find((v) => v.kind === "image")).toMatchObject({ value: "sha-1111111", file: "environments/production.yaml.gotmpl" });
    expect(production?.errors).toEqual([expect.stringContaining("environments/production.yaml.gotmpl: web.IMAGE_TAG is rendered from a template; edit it there by hand")]);
  });
});
