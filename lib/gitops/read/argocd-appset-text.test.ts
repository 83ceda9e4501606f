import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { planPromotion } from "../promote/plan";
import { readRepository } from "./index";

// goTemplate ApplicationSets whose template is Go template text (control lines between its fields, or a
// `templatePatch: |` string): rendered per generated element before being read as YAML.

const HEAD = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - env: staging
            version: 1.2.0
            autoSync: true
          - env: production
`;

const TEMPLATE_HEAD = `${HEAD}  template:
    metadata:
      name: 'guestbook-{{ .env }}'
    spec:
      project: default
      source:
        repoURL: https://charts.example.com
        chart: guestbook`;

const cells = (tree: FileTree) =>
  readRepository(tree)
    .deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`)
    .sort();

describe("ApplicationSets with Go template control lines", () => {
  const withControlLines = `${TEMPLATE_HEAD}
        {{- if .version }}
        targetRevision: '{{ .version }}'
        {{- else }}
        targetRevision: 1.0.0
        {{- end }}
      destination:
        server: https://kubernetes.default.svc
        namespace: guestbook
      {{- if .autoSync }}
      syncPolicy:
        automated: {}
      {{- end }}
`;

  it("renders a template with control lines per element instead of failing on it as YAML", () => {
    const tree: FileTree = new Map([["argocd/guestbook.yaml", withControlLines]]);
    const model = readRepository(tree);
    expect(model.errors).toEqual([]);
    expect(cells(tree)).toEqual(["guestbook@production=1.0.0", "guestbook@staging=1.2.0"]);
    // A value the template prints from one parameter is written in the generator's element.
    expect(model.deployments.find((d) => d.env === "staging")?.versions[0]).toMatchObject({
      file: "argocd/guestbook.yaml",
      path: ["spec", "generators", 0, "list", "elements", 0, "version"],
    });
  });

  it("reads such a set as the second document of its file", () => {
    const app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop-staging\nspec:\n  source:\n    repoURL: https://charts.example.com\n    chart: shop\n    targetRevision: 3.1.0\n  destination:\n    namespace: shop\n";
    const tree: FileTree = new Map([["argocd/apps.yaml", `${app}---\n${withControlLines}`]]);
    const model = readRepository(tree);
    expect(model.errors).toEqual([]);
    expect(cells(tree)).toEqual(["guestbook@production=1.0.0", "guestbook@staging=1.2.0", "shop@staging=3.1.0"]);
    expect(model.deployments.find((d) => d.app === "guestbook" && d.env === "staging")?.versions[0]).toMatchObject({ doc: 1 });
  });

  it("reports an element whose rendered template is not YAML, with file and line, and reads the others", () => {
    const broken = withControlLines.replace("      {{- if .autoSync }}", "      {{- if not .version }}\n      bad: [unclosed\n      {{- end }}\n      {{- if .autoSync }}");
    const tree: FileTree = new Map([["argocd/guestbook.yaml", broken]]);
    const model = readRepository(tree);
    expect(cells(tree)).toEqual(["guestbook@staging=1.2.0"]);
    expect(model.errors).toEqual([
      expect.objectContaining({ file: "argocd/guestbook.yaml", line: 14, message: expect.stringMatching(/^ApplicationSet guestbook: spec\.template is not valid YAML once rendered .* for the element \{env: production\}/) }),
    ]);
  });

  it("keeps the YAML error of a set whose fields outside the template do not parse either", () => {
    const tree: FileTree = new Map([["argocd/guestbook.yaml", withControlLines.replace("  goTemplate: true", "  goTemplate: true\n  generators: [oops")]]);
    const model = readRepository(tree);
    expect(model.deployments).toEqual([]);
    expect(model.errors).toEqual([expect.objectContaining({ file: "argocd/guestbook.yaml", line: expect.any(Number) })]);
    expect(model.errors[0]?.message).not.toContain("ApplicationSet guestbook");
  });

  it("leaves a fasttemplate set with control lines a YAML error: Argo CD renders no control actions there", () => {
    const tree: FileTree = new Map([["argocd/guestbook.yaml", withControlLines.replace("goTemplate: true", "goTemplate: false")]]);
    const model = readRepository(tree);
    expect(model.deployments).toEqual([]);
    expect(model.errors).toEqual([expect.objectContaining({ file: "argocd/guestbook.yaml" })]);
  });
});

describe("ApplicationSet templatePatch", () => {
  const withPatch = (patch: string) => `${TEMPLATE_HEAD}
        targetRevision: 1.0.0
      destination:
        server: https://kubernetes.default.svc
        namespace: guestbook
  templatePatch: |
${patch
  .split("\n")
  .map((l) => (l ? `    ${l}` : l))
  .join("\n")}
`;

  it("applies the rendered patch over the rendered template, per element", () => {
    const tree: FileTree = new Map([["argocd/guestbook.yaml", withPatch("spec:\n  revisionHistoryLimit: 3\n  {{- if .version }}\n  source:\n    targetRevision: '{{ .version }}'\n  {{- end }}\n  {{- if .autoSync }}\n  syncPolicy:\n    automated: {}\n  {{- end }}\n")]]);
    const model = readRepository(tree);
    expect(model.errors).toEqual([]);
    expect(model.notes.filter((n) => n.includes("templatePatch"))).toEqual([]);
    expect(cells(tree)).toEqual(["guestbook@production=1.0.0", "guestbook@staging=1.2.0"]);
    const staging = model.deployments.find((d) => d.env === "staging")?.versions[0];
    expect(staging).toMatchObject({ path: ["spec", "generators", 0, "list", "elements", 0, "version"] });
    // Not patched in production: the template's own value, where it is written.
    expect(model.deployments.find((d) => d.env === "production")?.versions[0]).toMatchObject({ path: ["spec", "template", "spec", "source", "targetRevision"] });
  });

  it("removes what the rendered patch sets to null, as a strategic merge patch does", () => {
    const tree: FileTree = new Map([["argocd/guestbook.yaml", withPatch("spec:\n  source:\n  {{- if .version }}\n    targetRevision: '{{ .version }}'\n  {{- end }}\n")]]);
    // `source:` with nothing under it (production) is null: Argo CD's patch removes the source.
    expect(cells(tree)).toEqual(["guestbook@staging=1.2.0"]);
  });

  it("says a version the patch writes as a literal is set inside the patch", () => {
    const tree: FileTree = new Map([["argocd/guestbook.yaml", withPatch("spec:\n  source:\n  {{- if eq .env \"production\" }}\n    targetRevision: 0.9.0\n  {{- else }}\n    targetRevision: '{{ .version }}'\n  {{- end }}\n")]]);
    const model = readRepository(tree);
    const staging = model.deployments.find((d) => d.env === "staging");
    const production = model.deployments.find((d) => d.env === "production");
    expect(production?.versions[0]).toMatchObject({ value: "0.9.0", field: expect.stringContaining("(inline patch) in the ApplicationSet's templatePatch") });
    if (!staging || !production) throw new Error("cells missing");
    expect(staging.versions[0]).toMatchObject({ value: "1.2.0", path: ["spec", "generators", 0, "list", "elements", 0, "version"] });
    // Editing the template's own targetRevision would not move production: the promotion says so instead.
    const plan = planPromotion({ tree, source: staging, target: production, mode: "version", baseSha: "abc", repository: "r" });
    expect(plan).toEqual({ status: "refused", reason: expect.stringContaining("the value sits inside an inline patch string; edit it by hand") });
  });

  it("generates no Application for an element whose patch is not YAML once rendered, and notes why", () => {
    const tree: FileTree = new Map([["argocd/guestbook.yaml", withPatch("{{- if .autoSync }}\nspec: [unclosed\n{{- end }}\n")]]);
    const model = readRepository(tree);
    expect(cells(tree)).toEqual(["guestbook@production=1.0.0"]);
    expect(model.notes).toContainEqual(expect.stringMatching(/ApplicationSet guestbook: spec\.templatePatch is not valid YAML once rendered .* for 1 element/));
  });
});
