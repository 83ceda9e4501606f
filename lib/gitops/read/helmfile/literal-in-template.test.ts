import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { applyEdits } from "../../promote/test-helpers";
import { readRepository } from "../index";

// A helmfile whose release names are actions and whose release list holds `{{ if }}` lines is no YAML
// until rendered, yet `version: 1.5.0` in it is written there as it is: that text is the version to edit.

const HELMFILE = `environments:
  staging:
    values:
      - env/staging.yaml
  production:
    values:
      - env/production.yaml
---
releases:
  {{- if .Values.cache.enabled }}
  - name: {{ .Values.prefix }}-cache
    chart: acme/cache
    version: 19.0.0
  {{- end }}
  {{- if eq .Environment.Name "staging" }}
  - name: {{ .Values.prefix }}-api
    namespace: api
    chart: acme/api
    version: 1.5.0
  {{- else }}
  - name: {{ .Values.prefix }}-api
    namespace: api
    chart: acme/api
    version: "1.4.0" # production
  {{- end }}
  - name: {{ .Values.prefix }}-web
    namespace: web
    chart: acme/web
    version: {{ .Values.webVersion }}
`;

const tree: FileTree = new Map([
  ["helmfile.yaml.gotmpl", HELMFILE],
  ["env/staging.yaml", "prefix: shop\ncache:\n  enabled: true\nwebVersion: 2.1.0\n"],
  ["env/production.yaml", "prefix: shop\ncache:\n  enabled: false\nwebVersion: 2.0.0\n"],
]);

const cell = (t: FileTree, app: string, env: string) => readRepository(t).deployments.find((d) => d.app === app && d.env === env);

describe("a literal version in a helmfile that is no YAML until rendered", () => {
  it("is located at its own text, with no 'built by a template' error", () => {
    const staging = cell(tree, "shop-api", "staging");
    const production = cell(tree, "shop-api", "production");
    expect(staging?.versions[0]).toMatchObject({ value: "1.5.0", file: "helmfile.yaml.gotmpl" });
    expect(production?.versions[0]).toMatchObject({ value: "1.4.0", file: "helmfile.yaml.gotmpl" });
    const [start = 0, end = 0] = production?.versions[0]?.span ?? [];
    expect(HELMFILE.slice(start, end)).toBe('"1.4.0"');
    expect([...(staging?.errors ?? []), ...(production?.errors ?? [])]).toEqual([]);
    // A version printed from the environment's values is still located there.
    expect(cell(tree, "shop-web", "production")?.versions[0]).toMatchObject({ value: "2.0.0", file: "env/production.yaml", path: ["webVersion"] });
  });

  it("is promoted by replacing that text alone, quotes and comment kept", () => {
    const source = cell(tree, "shop-api", "staging");
    const target = cell(tree, "shop-api", "production");
    if (!source || !target) throw new Error("no shop-api cells");
    const plan = planPromotion({ tree, source, target, mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    const after = applyEdits(tree, plan.changeSet.edits);
    expect(after.get("helmfile.yaml.gotmpl")).toBe(HELMFILE.replace('version: "1.4.0" # production', 'version: "1.5.0" # production'));
    expect(cell(after, "shop-api", "production")?.versions[0]?.value).toBe("1.5.0");
  });

  it("refuses when the text moved since it was read", () => {
    const source = cell(tree, "shop-api", "staging");
    const target = cell(tree, "shop-api", "production");
    if (!source || !target) throw new Error("no shop-api cells");
    const moved = new Map(tree);
    moved.set("helmfile.yaml.gotmpl", HELMFILE.replace('version: "1.4.0"', 'version: "1.4.1"'));
    expect(planPromotion({ tree: moved, source, target, mode: "version", baseSha: "abc", repository: "r" })).toMatchObject({ status: "refused", reason: expect.stringContaining("is 1.4.1 at the base commit, not 1.4.0 as last read") });
  });
});
