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
});
