import { describe, expect, it } from "vitest";
import { hasTemplateSyntaxOutsideValues, skipDecision } from "./skip-rules";

describe("template detection", () => {
  it("treats a Helm/Go template as a template", () => {
    expect(hasTemplateSyntaxOutsideValues("metadata:\n  name: {{ .Values.name }}\n")).toBe(true);
    expect(hasTemplateSyntaxOutsideValues("{{- if .Values.enabled }}\nkind: ConfigMap\n{{- end }}\n")).toBe(true);
  });

  it("reads a manifest whose values hold Go templates (Flux ImageUpdateAutomation)", () => {
    const quoted = "kind: ImageUpdateAutomation\nspec:\n  git:\n    commit:\n      messageTemplate: '{{range .Updated.Images}}{{println .}}{{end}}'\n";
    const block = "kind: ImageUpdateAutomation\nspec:\n  git:\n    commit:\n      messageTemplate: |\n        Automated update\n        {{range .Updated.Images}}{{println .}}{{end}}\n  update:\n    path: ./apps\n";
    expect(hasTemplateSyntaxOutsideValues(quoted)).toBe(false);
    expect(hasTemplateSyntaxOutsideValues(block)).toBe(false);
    expect(skipDecision("clusters/dev/image-automation.yaml", block, false)).toEqual({ skip: false });
  });

  it("still notices templating after a block scalar ends", () => {
    expect(hasTemplateSyntaxOutsideValues("a: |\n  {{ ok }}\nb: {{ .Values.x }}\n")).toBe(true);
  });

  it("reads a manifest whose plain scalars carry `{{` for a controller to fill in later (valid YAML)", () => {
    const updater = "kind: Application\nmetadata:\n  name: api\n  annotations:\n    argocd-image-updater.argoproj.io/git-branch: image-updater-{{.SHA256}}\nspec:\n  source:\n    chart: api\n    targetRevision: 0.1.11\n";
    const values = "kind: HelmRelease\nspec:\n  values:\n    persistence:\n      data:\n        existingClaim: data-{{ .Release.Name }}\n";
    expect(hasTemplateSyntaxOutsideValues(updater)).toBe(false);
    expect(skipDecision("k8s/argocd/api.yaml", updater, false)).toEqual({ skip: false });
    expect(hasTemplateSyntaxOutsideValues(values)).toBe(false);
  });

  it("still treats `{{` where a value or list item begins as a template", () => {
    expect(hasTemplateSyntaxOutsideValues("items:\n  - {{ .Values.item }}\n")).toBe(true);
    expect(hasTemplateSyntaxOutsideValues("labels: [{{ .Values.label }}]\n")).toBe(true);
    expect(hasTemplateSyntaxOutsideValues("spec:\n  replicas:{{ .Values.n }}\n")).toBe(false); // one plain scalar, as YAML reads it
  });
});
