import { describe, expect, it } from "vitest";
import { ChartRenderer } from "./template-exec";
import { parseTemplate, TemplateError, TemplateSyntaxError } from "./template-parse";
import { mergeValues } from "./template-values";

function render(text: string, values: Record<string, unknown>, helpers = "") {
  const r = new ChartRenderer({ Values: values, Release: { Name: "root", Namespace: "argocd" } }, helpers ? [{ path: "_helpers.tpl", text: helpers }] : []);
  return r.render(text);
}

describe("Go templates as Helm renders them", () => {
  it("ranges over a map in key order, with else, trim markers, and variables scoped to their block", () => {
    const out = render("{{- range $k, $v := .Values.apps }}\n{{ $k }}={{ $v }}{{- $last := $k }}\n{{- end }}\n{{- range .Values.none }}x{{ else }}\nnone{{ end }}", { apps: { b: 2, a: 1 } });
    expect(out.text).toBe("\na=1\nb=2\nnone");
    expect(() => render("{{ range .Values.apps }}{{ $x := 1 }}{{ end }}{{ $x }}", { apps: [1] })).toThrow(TemplateError);
  });

  it("chains else if and else with, and rebinds the dot in with and range", () => {
    const tpl = "{{ if eq .Values.kind \"a\" }}A{{ else if eq .Values.kind \"b\" }}B{{ else }}C{{ end }}|{{ with .Values.obj }}{{ .name }}{{ else }}-{{ end }}|{{ range .Values.list }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}";
    expect(render(tpl, { kind: "b", obj: { name: "n" }, list: [1, 2, 3] }).text).toBe("B|n|1");
    expect(render(tpl, { kind: "z", list: [] }).text).toBe("C|-|");
  });

  it("includes named templates from helper files, indents them, and renders tpl strings", () => {
    const helpers = '{{- define "labels" -}}\napp: {{ .Release.Name }}\ntier: {{ .Values.tier | default "web" }}\n{{- end }}';
    const out = render('metadata:\n  labels: {{- include "labels" . | nindent 4 }}\n  note: {{ tpl .Values.note . }}', { note: "in {{ .Release.Namespace }}" }, helpers);
    expect(out.text).toBe("metadata:\n  labels:\n    app: root\n    tier: web\n  note: in argocd");
  });

  it("fails loudly on what it does not evaluate, and on required values that are missing", () => {
    expect(() => render("{{ now }}", {})).toThrow(/function now is not evaluated/);
    expect(() => render('{{ required "set image.tag" .Values.image.tag }}', { image: {} })).toThrow(/required: set image.tag/);
    expect(() => render("{{ if .Values.x }}", {})).toThrow(/missing end/);
  });

  it("rejects a field or variable name followed by a character Go's lexer does not end a name with, on its line", () => {
    const error = (() => {
      try {
        parseTemplate("a: 1\n{{- if .Values.x }}\nb: {{ .Values.components.eoapi-support.enabled }}\n{{- end }}");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error).toMatchObject({ line: 3, message: `bad character U+002D '-' after .Values.components.eoapi (a key with a dash is read with index .Values.components "eoapi-support")` });
    expect(() => parseTemplate("{{ $x-1 }}")).toThrow(TemplateSyntaxError);
    // What Go accepts still parses: a dash after the action, trim markers, pipes and parentheses without spaces, index.
    expect(render('{{ .Values.a }}-b {{ .Values.a -}} |{{ $x := .Values.a }}{{ $x|quote }},{{ (.Values.m).k }},{{ index .Values "a-b" }}', { a: "v", m: { k: 1 }, "a-b": 2 }).text).toBe('v-b v|"v",1,2');
  });

  it("records where each printed value came from, through quote, default and toYaml", () => {
    const values = mergeValues([{ defaults: { rev: "main" }, apps: { shop: { version: "1.2.0", spec: { chart: "shop", targetRevision: "9.9.9" } }, cart: {} } }]);
    const out = render('{{ range $n, $a := .Values.apps }}{{ $n }}: {{ $a.version | default $.Values.defaults.rev | quote }}\n{{ with $a.spec }}{{ toYaml . | nindent 2 }}{{ end }}\n{{ end }}', values);
    expect(out.text).toBe('cart: "main"\n\nshop: "1.2.0"\n\n  chart: shop\n  targetRevision: 9.9.9\n');
    const printed = out.printed.map((p) => ({ text: out.text.slice(p.start, p.end).trim(), path: p.path.join("."), value: p.value, subtree: p.subtree !== undefined }));
    expect(printed).toEqual([
      { text: '"main"', path: "defaults.rev", value: "main", subtree: false },
      { text: '"1.2.0"', path: "apps.shop.version", value: "1.2.0", subtree: false },
      { text: "chart: shop\n  targetRevision: 9.9.9", path: "apps.shop.spec", value: undefined, subtree: true },
    ]);
  });

  it("merges values files as Helm does: maps deeply, lists replaced, null deletes", () => {
    expect(mergeValues([{ a: { x: 1, y: 2 }, l: [1, 2], d: 1 }, { a: { y: 3 }, l: [9], d: null }])).toEqual({ a: { x: 1, y: 3 }, l: [9] });
  });
});

describe("Sprig dict functions and array parsing", () => {
  it("set and unset change the dict in place and return it; dig walks with a default", () => {
    const out = render('{{ $d := dict "a" 1 }}{{ $_ := set $d "b" .Values.tag }}{{ $d = unset $d "a" }}{{ toJson $d }}|{{ dig "x" "y" "none" .Values.nested }}|{{ dig "x" "z" "none" .Values.nested }}', { tag: "1.2.0", nested: { x: { y: "deep" } } });
    expect(out.text).toBe('{"b":"1.2.0"}|deep|none');
    expect(() => render('{{ set "s" "k" 1 }}', {})).toThrow(/not a dict/);
  });

  it("caches a value on the root context with `$ = set $ …`, as charts that include a helper twice do", () => {
    const helpers = '{{- define "apps" -}}{{- if not $.apps -}}{{- $l := list -}}{{- range $.Values.apps -}}{{- $a := deepCopy . -}}{{- $a = set $a "version" (index $.Values .name).version -}}{{- $l = append $l $a -}}{{- end -}}{{- $ = set $ "apps" $l -}}{{- end -}}{{- $.apps | toJson -}}{{- end -}}';
    const values = mergeValues([{ apps: [{ name: "shop" }, { name: "cart" }], shop: { version: "1.0.0" }, cart: { version: "main" } }]);
    const out = render('{{ range include "apps" $ | fromJsonArray }}{{ .name }}={{ .version }};{{ end }}{{ len (include "apps" $ | fromJsonArray) }}', values, helpers);
    expect(out.text).toBe("shop=1.0.0;cart=main;2");
  });

  it("fromJsonArray and fromYamlArray parse lists, and hold the parse error in a one-element list as Helm does", () => {
    expect(render('{{ range fromJsonArray "[1, \\"a\\"]" }}<{{ . }}>{{ end }}', {}).text).toBe("<1><a>");
    expect(render('{{ range fromYamlArray "- x\\n- y" }}<{{ . }}>{{ end }}', {}).text).toBe("<x><y>");
    expect(render('{{ len (fromYamlArray "") }}', {}).text).toBe("0");
    expect(render('{{ len (fromJsonArray "{") }}', {}).text).toBe("1");
    expect(render('{{ index (fromJsonArray "{\\"a\\": 1}") 0 }}', {}).text).toBe("cannot unmarshal map into an array");
  });
});

describe("values handed over as JSON", () => {
  it("keeps where each value was read when a helper's JSON is parsed back, and parses other JSON as written", () => {
    const helpers = '{{- define "apps" -}}{{- $l := list -}}{{- range .Values.apps -}}{{- $l = append $l (dict "name" . "version" (index $.Values . "version")) -}}{{- end -}}{{- $l | toJson }}\n{{ end -}}';
    const values = mergeValues([{ apps: ["shop"], shop: { version: "1.0.0" } }]);
    const out = render('{{ range include "apps" $ | fromJsonArray }}{{ .name }}={{ .version }}{{ $_ := set . "seen" true }}{{ end }}|{{ (fromJson "{\\"a\\": 1}").a }}', values, helpers);
    expect(out.text).toBe("shop=1.0.0|1");
    expect(out.printed.map((p) => ({ text: out.text.slice(p.start, p.end), path: p.path.join(".") }))).toEqual([
      { text: "shop", path: "apps.0" },
      { text: "1.0.0", path: "shop.version" },
    ]);
  });
});
