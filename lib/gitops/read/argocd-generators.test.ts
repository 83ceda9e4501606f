import { describe, expect, it } from "vitest";
import { parseYamlDocuments } from "../yaml";
import { evaluateGenerators, MAX_PARAM_SETS, type GeneratorTree, type ParamSet } from "./argocd-generators";
import { renderTemplateString } from "./argocd-template";
import { readRepository } from "./index";
import { dirname } from "./paths";

/** A GeneratorTree over an in-memory repository: every ancestor of a file is a directory. */
function treeOf(files: Record<string, string>): GeneratorTree {
  const dirs = new Set<string>([""]);
  for (const f of Object.keys(files)) for (let d = dirname(f); d !== ""; d = dirname(d)) dirs.add(d);
  return {
    dirs: () => [...dirs].sort(),
    files: () => Object.keys(files).sort(),
    load: (path) => {
      const text = files[path];
      if (text === undefined) return undefined;
      if (text.trim() === "") return null;
      return path.endsWith(".json") ? (JSON.parse(text) as unknown) : parseYamlDocuments(text).documents[0]?.value;
    },
  };
}

/** Evaluate `generators` (as YAML) and return the parameter sets of every top-level generator, and the notes. */
function run(generatorsYaml: string, files: Record<string, string> = {}, goTemplate = false) {
  const generators = parseYamlDocuments(generatorsYaml).documents[0]?.value;
  const out = evaluateGenerators({ goTemplate, generators, template: { metadata: { name: "x" } } }, treeOf(files));
  return { params: out.results.flatMap((r) => r.params), notes: out.notes, results: out.results, teams: out.teams };
}

const ENV_DIRS = {
  "apps/checkout/envs/dev/kustomization.yaml": "",
  "apps/checkout/envs/prod/kustomization.yaml": "",
  "apps/payments/envs/dev/kustomization.yaml": "",
  "apps/.hidden/envs/dev/kustomization.yaml": "",
};

describe("matrix generator", () => {
  it("combines git directories × list (fasttemplate: flat string params, path[n])", () => {
    const { params, notes } = run(
      `
- matrix:
    generators:
      - git:
          repoURL: https://example.com/repo.git
          revision: HEAD
          directories:
            - path: apps/*/envs/*
            - path: apps/payments/envs/*
              exclude: true
      - list:
          elements:
            - cluster: eu
              url: https://eu.example.com
            - cluster: us
              url: https://us.example.com
`,
      ENV_DIRS,
    );
    expect(notes).toEqual([]);
    expect(params).toEqual([
      { path: "apps/checkout/envs/dev", "path.basename": "dev", "path.basenameNormalized": "dev", "path[0]": "apps", "path[1]": "checkout", "path[2]": "envs", "path[3]": "dev", cluster: "eu", url: "https://eu.example.com" },
      { path: "apps/checkout/envs/dev", "path.basename": "dev", "path.basenameNormalized": "dev", "path[0]": "apps", "path[1]": "checkout", "path[2]": "envs", "path[3]": "dev", cluster: "us", url: "https://us.example.com" },
      { path: "apps/checkout/envs/prod", "path.basename": "prod", "path.basenameNormalized": "prod", "path[0]": "apps", "path[1]": "checkout", "path[2]": "envs", "path[3]": "prod", cluster: "eu", url: "https://eu.example.com" },
      { path: "apps/checkout/envs/prod", "path.basename": "prod", "path.basenameNormalized": "prod", "path[0]": "apps", "path[1]": "checkout", "path[2]": "envs", "path[3]": "prod", cluster: "us", url: "https://us.example.com" },
    ]);
  });

  it("directory patterns use Go path.Match: * stays in one segment, hidden folders never match", () => {
    const { params } = run(`- git: {directories: [{path: "apps/*"}, {path: "apps/**/dev"}]}`, ENV_DIRS);
    expect(params.map((p) => p.path)).toEqual(["apps/checkout", "apps/payments"]);
  });

  it("combines git files × list (goTemplate: nested params, file keys at the top)", () => {
    const { params } = run(
      `
- matrix:
    generators:
      - git:
          files:
            - path: "addons/*/addon.json"
      - list:
          elements:
            - env: dev
            - env: prod
`,
      {
        "addons/cert-manager/addon.json": JSON.stringify({ chart: "cert-manager", version: "v1.14.4", helm: { replicas: 2 } }),
        "addons/Ingress_Nginx/addon.json": JSON.stringify([{ chart: "ingress-nginx", version: "4.10.0" }]),
      },
      true,
    );
    const path = (dir: string, base: string, normalized: string) => ({
      path: dir,
      basename: base,
      basenameNormalized: normalized,
      segments: dir.split("/"),
      filename: "addon.json",
      filenameNormalized: "addon.json",
    });
    expect(params).toEqual([
      { chart: "ingress-nginx", version: "4.10.0", path: path("addons/Ingress_Nginx", "Ingress_Nginx", "ingress-nginx"), env: "dev" },
      { chart: "ingress-nginx", version: "4.10.0", path: path("addons/Ingress_Nginx", "Ingress_Nginx", "ingress-nginx"), env: "prod" },
      { chart: "cert-manager", version: "v1.14.4", helm: { replicas: 2 }, path: path("addons/cert-manager", "cert-manager", "cert-manager"), env: "dev" },
      { chart: "cert-manager", version: "v1.14.4", helm: { replicas: 2 }, path: path("addons/cert-manager", "cert-manager", "cert-manager"), env: "prod" },
    ]);
  });

  it("flattens files-generator content to dotted string keys without goTemplate", () => {
    const { params } = run(`- git: {files: [{path: "addons/*/addon.yaml"}]}`, { "addons/a/addon.yaml": "chart: a\nhelm:\n  replicas: 2\n  tags: [x, y]\nenabled: true\n" });
    expect(params).toEqual([
      {
        chart: "a",
        "helm.replicas": "2",
        "helm.tags.0": "x",
        "helm.tags.1": "y",
        enabled: "true",
        path: "addons/a",
        "path.basename": "a",
        "path.basenameNormalized": "a",
        "path[0]": "addons",
        "path[1]": "a",
        "path.filename": "addon.yaml",
        "path.filenameNormalized": "addon.yaml",
      },
    ]);
  });

  it("combines list × list; with goTemplate the first child wins a shared key", () => {
    const yaml = `
- matrix:
    generators:
      - list: {elements: [{app: a, tier: web}, {app: b, tier: web}]}
      - list: {elements: [{env: dev, tier: web}, {env: prod, tier: web}]}
`;
    expect(run(yaml).params).toEqual([
      { app: "a", tier: "web", env: "dev" },
      { app: "a", tier: "web", env: "prod" },
      { app: "b", tier: "web", env: "dev" },
      { app: "b", tier: "web", env: "prod" },
    ]);
    const conflicting = `
- matrix:
    generators:
      - list: {elements: [{app: a, tier: web}]}
      - list: {elements: [{env: dev, tier: db}]}
`;
    // fasttemplate: Argo CD refuses two different values for one key, so the matrix yields nothing.
    const fast = run(conflicting);
    expect(fast.params).toEqual([]);
    expect(fast.notes).toEqual(["matrix generator not evaluated: both children set tier with different values (web, db); use pathParamPrefix or goTemplate"]);
    expect(run(conflicting, {}, true).params).toEqual([{ app: "a", tier: "web", env: "dev" }]);
  });

  it("combines two git generators with pathParamPrefix, the second rendered with the first's params", () => {
    const files = {
      "apps/app-one.json": JSON.stringify({ appName: "app-one" }),
      "apps/app-two.json": JSON.stringify({ appName: "app-two" }),
      "targets/app-one/east-cluster-one.json": JSON.stringify({ region: "east", clusterName: "cluster-one" }),
      "targets/app-one/east-cluster-two.json": JSON.stringify({ region: "east", clusterName: "cluster-two" }),
      "targets/app-two/west-cluster-three.json": JSON.stringify({ region: "west", clusterName: "cluster-three" }),
    };
    const go = run(
      `
- matrix:
    generators:
      - git: {files: [{path: "apps/*.json"}], pathParamPrefix: app}
      - git: {files: [{path: "targets/{{.appName}}/*.json"}], pathParamPrefix: target}
`,
      files,
      true,
    );
    expect(go.notes).toEqual([]);
    expect(go.params.map((p) => [p.appName, p.clusterName, (p.app as { path: { filename: string } }).path.filename, (p.target as { path: { path: string } }).path.path])).toEqual([
      ["app-one", "cluster-one", "app-one.json", "targets/app-one"],
      ["app-one", "cluster-two", "app-one.json", "targets/app-one"],
      ["app-two", "cluster-three", "app-two.json", "targets/app-two"],
    ]);
    const fast = run(
      `
- matrix:
    generators:
      - git: {directories: [{path: "targets/*"}], pathParamPrefix: app}
      - git: {files: [{path: "{{app.path}}/*.json"}], pathParamPrefix: target}
`,
      files,
    );
    expect(fast.notes).toEqual([]);
    expect(fast.params[0]).toEqual({
      "app.path": "targets/app-one",
      "app.path.basename": "app-one",
      "app.path.basenameNormalized": "app-one",
      "app.path[0]": "targets",
      "app.path[1]": "app-one",
      region: "east",
      clusterName: "cluster-one",
      "target.path": "targets/app-one",
      "target.path.basename": "app-one",
      "target.path.basenameNormalized": "app-one",
      "target.path[0]": "targets",
      "target.path[1]": "app-one",
      "target.path.filename": "east-cluster-one.json",
      "target.path.filenameNormalized": "east-cluster-one.json",
    });
    expect(fast.params).toHaveLength(3);
  });

  it("without pathParamPrefix two git generators clash on path (fasttemplate)", () => {
    const { params, notes } = run(`- matrix: {generators: [{git: {directories: [{path: "apps/*"}]}}, {git: {directories: [{path: "apps/*/envs"}]}}]}`, ENV_DIRS);
    expect(params).toEqual([]);
    expect(notes[0]).toMatch(/^matrix generator not evaluated: both children set path with different values/);
  });

  it("evaluates a matrix nested once, and notes deeper nesting", () => {
    const nested = run(`
- matrix:
    generators:
      - matrix:
          generators:
            - list: {elements: [{app: a}]}
            - list: {elements: [{env: dev}, {env: prod}]}
      - list: {elements: [{region: eu}]}
`);
    expect(nested.params).toEqual([
      { app: "a", env: "dev", region: "eu" },
      { app: "a", env: "prod", region: "eu" },
    ]);
    const tooDeep = run(`
- matrix:
    generators:
      - matrix:
          generators:
            - matrix: {generators: [{list: {elements: [{a: x}]}}, {list: {elements: [{b: y}]}}]}
            - list: {elements: [{env: dev}]}
      - list: {elements: [{region: eu}]}
`);
    expect(tooDeep.params).toEqual([]);
    expect(tooDeep.notes).toEqual([
      "matrix generator not evaluated: child 1 (matrix) cannot be evaluated: child 1 (matrix) cannot be evaluated: matrix nested more than one level deep (Argo CD allows matrix and merge to be nested only once)",
    ]);
  });

  it("renders a list child with the first child's params (fasttemplate)", () => {
    const { params } = run(
      `
- matrix:
    generators:
      - git: {directories: [{path: "apps/*/envs/*"}]}
      - list:
          elements:
            - namespace: "{{path[1]}}-{{path.basename}}"
`,
      ENV_DIRS,
    );
    expect(params.map((p) => p.namespace)).toEqual(["checkout-dev", "checkout-prod", "payments-dev"]);
  });
});

describe("list and git generators", () => {
  it("renders a git directories child with each list element (list of envs × apps/*/envs/<env>)", () => {
    const { params, notes } = run(
      `
- matrix:
    generators:
      - list:
          elements:
            - {env: dev, cluster: https://dev.example.com}
            - {env: prod, cluster: https://prod.example.com}
      - git:
          directories:
            - path: "apps/*/envs/{{.env}}"
`,
      ENV_DIRS,
      true,
    );
    expect(notes).toEqual([]);
    expect(params.map((p) => `${String((p.path as { path: string }).path)} → ${String(p.cluster)}`)).toEqual([
      "apps/checkout/envs/dev → https://dev.example.com",
      "apps/payments/envs/dev → https://dev.example.com",
      "apps/checkout/envs/prod → https://prod.example.com",
    ]);
  });

  it("evaluates every generator of a top-level entry that holds several, as Argo CD does", () => {
    const { results, notes } = run(`
- list: {elements: [{env: dev}]}
  clusters: {}
`);
    expect(results.map((r) => r.params)).toEqual([[{ env: "dev" }]]);
    expect(notes).toEqual([expect.stringMatching(/^generator 1 \(clusters\) not evaluated: it lists the clusters/)]);
  });

  it("reads elementsYaml, empty files and lists of objects in files", () => {
    expect(run("- list:\n    elementsYaml: |\n      - {env: dev}\n      - {env: prod}\n", {}, true).params).toEqual([{ env: "dev" }, { env: "prod" }]);
    const files = { "envs/dev/config.yaml": "", "envs/prod/config.yaml": "- {region: eu}\n- {region: us}\n" };
    expect(run(`- git: {files: [{path: "envs/*/config.yaml"}]}`, files).params.map((p) => `${String(p["path.basename"])}:${String(p.region)}`)).toEqual(["dev:undefined", "prod:eu", "prod:us"]);
  });

  it("notes a files match that cannot be read", () => {
    const broken: GeneratorTree = { ...treeOf({ "apps/a/config.json": "{" }), load: () => undefined };
    const out = evaluateGenerators({ generators: [{ git: { files: [{ path: "apps/*/config.json" }] } }] }, broken);
    expect(out.notes).toEqual(["git generator not evaluated: apps/a/config.json cannot be read"]);
  });

  it("turns files over tenant folders into teams, not parameter sets", () => {
    const { params, teams } = run(`- git: {files: [{path: "tenants/*/tenant-values.yaml"}]}`, { "tenants/team-a/tenant-values.yaml": "x: 1\n" });
    expect(params).toEqual([]);
    expect(teams).toEqual(["team-a"]);
  });
});

describe("merge generator", () => {
  const base = `
- merge:
    mergeKeys: [env]
    generators:
      - list:
          elements:
            - {env: dev, version: "1.0", replicas: "1"}
            - {env: staging, version: "1.0", replicas: "1"}
            - {env: prod, version: "1.0", replicas: "3"}
      - list:
          elements:
            - {env: dev, version: "1.1"}
            - {env: qa, version: "9.9"}
`;
  it("overrides matching base sets and drops the rest (fasttemplate)", () => {
    const { params, notes } = run(base);
    expect(notes).toEqual([]);
    expect(params).toEqual([
      { env: "dev", version: "1.1", replicas: "1" },
      { env: "staging", version: "1.0", replicas: "1" },
      { env: "prod", version: "1.0", replicas: "3" },
    ]);
  });

  it("merges nested params with goTemplate, later generators winning", () => {
    const { params } = run(
      `
- merge:
    mergeKeys: [env]
    generators:
      - list: {elements: [{env: dev, helm: {tag: "1.0", replicas: 1}}, {env: prod, helm: {tag: "1.0", replicas: 3}}]}
      - list: {elements: [{env: prod, helm: {tag: "1.1"}}]}
      - list: {elements: [{env: prod, helm: {tag: "1.2"}}]}
`,
      {},
      true,
    );
    expect(params).toEqual([
      { env: "dev", helm: { tag: "1.0", replicas: 1 } },
      { env: "prod", helm: { tag: "1.2", replicas: 3 } },
    ]);
  });

  it("merges a matrix base on two keys (clusters of one env share its override)", () => {
    const { params } = run(`
- merge:
    mergeKeys: [app, env]
    generators:
      - matrix:
          generators:
            - list: {elements: [{app: api}, {app: web}]}
            - list: {elements: [{env: prod, cluster: prod-eu}, {env: prod, cluster: prod-us}, {env: dev, cluster: dev}]}
      - list: {elements: [{app: api, env: prod, version: "2.0"}]}
`);
    expect(params.map((p) => `${String(p.app)}@${String(p.cluster)}=${String(p.version)}`)).toEqual([
      "api@prod-eu=2.0",
      "api@prod-us=2.0",
      "api@dev=undefined",
      "web@prod-eu=undefined",
      "web@prod-us=undefined",
      "web@dev=undefined",
    ]);
  });

  it("notes an override generator that is not unique by mergeKeys", () => {
    const { params, notes } = run(`
- merge:
    mergeKeys: [env]
    generators:
      - list: {elements: [{env: dev}]}
      - list: {elements: [{env: dev, a: "1"}, {env: dev, a: "2"}]}
`);
    expect(params).toEqual([]);
    expect(notes).toEqual(['merge generator not evaluated: child 2 of the merge yields two parameter sets with the same mergeKeys ["dev"]']);
  });
});

describe("post selector", () => {
  const elements = `
      elements:
        - {cluster: dev-eu, env: dev, tier: gold}
        - {cluster: prod-eu, env: prod}
        - {cluster: prod-us, env: prod, tier: silver}
`;
  const select = (selector: string) => run(`- list:\n${elements}  selector:\n${selector}`).params.map((p) => p.cluster);
  it("filters on matchLabels and matchExpressions", () => {
    expect(select("    matchLabels: {env: prod}")).toEqual(["prod-eu", "prod-us"]);
    expect(select("    matchExpressions: [{key: tier, operator: In, values: [gold, silver]}]")).toEqual(["dev-eu", "prod-us"]);
    expect(select("    matchExpressions: [{key: tier, operator: NotIn, values: [gold]}]")).toEqual(["prod-eu", "prod-us"]);
    expect(select("    matchExpressions: [{key: tier, operator: Exists}]")).toEqual(["dev-eu", "prod-us"]);
    expect(select("    matchExpressions: [{key: tier, operator: DoesNotExist}]")).toEqual(["prod-eu"]);
    expect(select("    matchLabels: {env: prod}\n    matchExpressions: [{key: tier, operator: Exists}]")).toEqual(["prod-us"]);
    expect(select("    {}")).toEqual(["dev-eu", "prod-eu", "prod-us"]);
  });

  it("applies to a matrix child and to the matrix, over the combined params", () => {
    const { params } = run(
      `
- matrix:
    generators:
      - git: {directories: [{path: "apps/*/envs/*"}]}
      - list:
${elements.replace(/^/gm, "    ")}
        selector: {matchLabels: {env: prod}}
  selector:
    matchLabels: {path.basename: prod}
`,
      ENV_DIRS,
    );
    expect(params.map((p) => `${String(p.path)} → ${String(p.cluster)}`)).toEqual(["apps/checkout/envs/prod → prod-eu", "apps/checkout/envs/prod → prod-us"]);
  });

  it("is not rendered with the first matrix child's params (Argo CD reads it as written)", () => {
    const { params } = run(
      `
- matrix:
    generators:
      - git: {directories: [{path: "apps/*/envs/*"}]}
      - list:
${elements.replace(/^/gm, "    ")}
        selector: {matchLabels: {env: "{{path.basename}}"}}
`,
      ENV_DIRS,
    );
    expect(params).toEqual([]);
  });
});

describe("git generator values", () => {
  it("renders values with the generator's params", () => {
    expect(run(`- git: {directories: [{path: "apps/*"}], values: {team: "team-{{path.basename}}"}}`, ENV_DIRS).params.map((p) => p["values.team"])).toEqual(["team-checkout", "team-payments"]);
    const go = run(`- git: {directories: [{path: "apps/*"}], values: {team: "team-{{.path.basename}}"}}`, ENV_DIRS, true);
    expect(go.params.map((p) => (p.values as ParamSet).team)).toEqual(["team-checkout", "team-payments"]);
  });
});

describe("template syntax", () => {
  const go = { path: { path: "apps/Checkout/envs/prod", basename: "prod", segments: ["apps", "Checkout", "envs", "prod"] }, name: "My App", list: ["a", "b"], items: [{ name: "first" }] };
  it("renders the Go template subset ApplicationSets use", () => {
    const unresolved: string[] = [];
    const render = (t: string) => renderTemplateString(t, go, unresolved, "go");
    expect(render("{{.path.basename}}")).toBe("prod");
    expect(render("{{ index .path.segments 1 | lower }}-{{ .path.basename | upper }}")).toBe("checkout-PROD");
    expect(render('{{ default "main" .revision }}')).toBe("main");
    expect(render("{{ normalize .name }}")).toBe("my-app");
    expect(render('{{ .path.path | trimPrefix "apps/" | replace "/" "-" }}')).toBe("Checkout-envs-prod");
    expect(render('{{ printf "%s-%s" (index .path.segments 1) .path.basename }}')).toBe("Checkout-prod");
    expect(render("a  {{- .path.basename -}}  b")).toBe("aprodb");
    expect(render('{{ join "," .list }}{{/* comment */}}')).toBe("a,b");
    expect(render("{{ (index .items 0).name }}")).toBe("first");
    expect(unresolved).toEqual([]);
    // Argo CD gives ApplicationSets Sprig's functions; ones whose result is not the repository's (`now`) stay unresolved.
    expect(render("{{ sha256sum .name | trunc 8 }}")).toBe("96c6f417");
    expect(render("{{ .missing }}/{{ if .name }}x{{ end }}/{{ now }}")).toBe("{{ .missing }}/{{ if .name }}x{{ end }}/{{ now }}");
    expect(unresolved).toEqual(["{{ .missing }}", "{{ if .name }}", "{{ end }}", "{{ now }}"]);
  });

  it("keeps each syntax to its own form, as Argo CD does", () => {
    const unresolved: string[] = [];
    expect(renderTemplateString("{{.path.basename}}", { "path.basename": "prod" }, unresolved, "fast")).toBe("{{.path.basename}}");
    expect(renderTemplateString("{{ path.basename }}", { "path.basename": "prod" }, unresolved, "fast")).toBe("prod");
    expect(renderTemplateString("{{path.basename}}", go, unresolved, "go")).toBe("{{path.basename}}");
    expect(unresolved).toEqual(["{{.path.basename}}", "{{path.basename}}"]);
  });

  it("uses a top-level generator's own template over spec.template, field by field", () => {
    const out = evaluateGenerators(
      {
        generators: [{ list: { elements: [{ env: "dev" }], template: { metadata: { name: "own-{{env}}" }, spec: { project: "" } } } }],
        template: { metadata: { name: "base-{{env}}", labels: { a: "b" } }, spec: { project: "p" } },
      },
      treeOf({}),
    );
    expect(out.results[0]?.template).toEqual({ metadata: { name: "own-{{env}}", labels: { a: "b" } }, spec: { project: "p" } });
  });
});

describe("generators Ferry cannot evaluate from a repository", () => {
  it.each([
    ["clusters", "clusters: {selector: {matchLabels: {env: prod}}}", /it lists the clusters registered in Argo CD \(cluster secrets\), which are not in the repository$/],
    ["scmProvider", "scmProvider: {github: {organization: acme}}", /organisation, which are not in the repository$/],
    ["pullRequest", "pullRequest: {github: {owner: acme, repo: x}}", /pull requests of a forge, which are not in the repository$/],
    ["clusterDecisionResource", "clusterDecisionResource: {configMapRef: x}", /decision resource in the cluster, which is not in the repository$/],
    ["plugin", "plugin: {configMapRef: {name: x}}", /plugin service, not from the repository$/],
  ])("%s gives a note naming it and no parameter sets", (kind, yaml, message) => {
    const { params, notes } = run(`- ${yaml}`);
    expect(params).toEqual([]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(new RegExp(`^${kind} generator not evaluated: `));
    expect(notes[0]).toMatch(message);
  });

  it("a matrix with a clusters child yields a note naming the clusters generator, not apps", () => {
    const { params, notes, results } = run(
      `
- matrix:
    generators:
      - git: {directories: [{path: "apps/*/envs/*"}]}
      - clusters: {selector: {matchLabels: {env: prod}}}
`,
      ENV_DIRS,
    );
    expect(params).toEqual([]);
    expect(results).toEqual([]);
    expect(notes).toEqual([
      "matrix generator not evaluated: child 2 (clusters) cannot be evaluated: it lists the clusters registered in Argo CD (cluster secrets), which are not in the repository",
    ]);
    // Even when the first child matches nothing, the note is the same.
    expect(run(`- matrix: {generators: [{clusters: {}}, {list: {elements: []}}]}`).notes[0]).toMatch(/child 1 \(clusters\) cannot be evaluated: it lists the clusters/);
    expect(run(`- matrix: {generators: [{list: {elements: []}}, {pullRequest: {}}]}`).notes[0]).toMatch(/child 2 \(pullRequest\) cannot be evaluated: it lists the open pull requests/);
  });

  it("other generators of the set still evaluate", () => {
    const { params, notes } = run(`
- clusters: {}
- list: {elements: [{env: dev}]}
`);
    expect(params).toEqual([{ env: "dev" }]);
    expect(notes).toEqual([expect.stringMatching(/^generator 1 \(clusters\) not evaluated: it lists the clusters/)]);
  });
});

describe("malformed generators never throw", () => {
  it.each([
    ["matrix without generators", "- matrix: {}", "matrix generator not evaluated: matrix generator has no generators list"],
    ["matrix with one child", "- matrix: {generators: [{list: {elements: [{a: b}]}}]}", "matrix generator not evaluated: a matrix needs exactly two child generators, found 1"],
    [
      "matrix with three children",
      "- matrix: {generators: [{list: {elements: [{a: b}]}}, {list: {elements: [{c: d}]}}, {list: {elements: [{e: f}]}}]}",
      "matrix generator not evaluated: a matrix needs exactly two child generators, found 3",
    ],
    ["matrix generators not a list", "- matrix: {generators: {list: {}}}", "matrix generator not evaluated: matrix generator has no generators list"],
    ["matrix not a mapping", "- matrix: [1, 2]", "matrix generator not evaluated: matrix generator is not a mapping"],
    ["matrix child not a mapping", "- matrix: {generators: [x, {list: {elements: []}}]}", "matrix generator not evaluated: child 1 (malformed) cannot be evaluated: a generator must be a mapping"],
    ["matrix child empty", "- matrix: {generators: [{}, {list: {elements: []}}]}", "matrix generator not evaluated: child 1 (empty) cannot be evaluated: no generator given"],
    [
      "two generators in one entry",
      "- matrix: {generators: [{list: {elements: []}, git: {directories: [{path: '*'}]}}, {list: {elements: []}}]}",
      "matrix generator not evaluated: child 1 (list+git) cannot be evaluated: one entry holds several generators (list, git); Argo CD needs one per entry",
    ],
    ["merge without mergeKeys", "- merge: {generators: [{list: {elements: []}}, {list: {elements: []}}]}", "merge generator not evaluated: a merge needs mergeKeys"],
    ["merge with one child", "- merge: {mergeKeys: [a], generators: [{list: {elements: []}}]}", "merge generator not evaluated: a merge needs at least two child generators, found 1"],
    ["merge with mergeKeys of numbers", "- merge: {mergeKeys: [1], generators: [{list: {elements: []}}, {list: {elements: []}}]}", "merge generator not evaluated: a merge needs mergeKeys"],
    ["list elements not a list", "- list: {elements: {a: b}}", "list generator not evaluated: list elements is not a list"],
    ["list element not a mapping", "- list: {elements: [a]}", "list generator not evaluated: list element 1 is not a mapping"],
    ["list number without goTemplate", "- list: {elements: [{replicas: 3}]}", "list generator not evaluated: list element 1: replicas is not a string (Argo CD needs strings without goTemplate)"],
    ["list is a string", "- list: elements", "list generator not evaluated: list generator is not a mapping"],
    ["git without directories or files", "- git: {repoURL: x}", "git generator not evaluated: git generator has neither directories nor files"],
    ["git null", "- git:", "git generator not evaluated: git generator is not a mapping"],
    ["selector with a bad operator", "- list: {elements: [{a: b}]}\n  selector: {matchExpressions: [{key: a, operator: Gt, values: ['1']}]}", "list generator not evaluated: selector operator Gt is not a label selector operator"],
    ["selector not a mapping", "- list: {elements: [{a: b}]}\n  selector: [a]", "list generator not evaluated: selector is not a mapping"],
    ["unknown generator", "- cluster: {}", "cluster generator not evaluated: unknown generator cluster"],
    ["generator not a mapping", "- 42", "malformed generator not evaluated: a generator must be a mapping"],
    ["files not a mapping", "- git: {files: [{path: 'a.yaml'}]}", "git generator not evaluated: a.yaml is not a mapping or a list of mappings"],
  ])("%s", (_, yaml, note) => {
    const files = { "a.yaml": "just a string\n", "apps/x/k.yaml": "" };
    const { params, notes } = run(yaml, files);
    expect(params).toEqual([]);
    expect(notes).toEqual([note]);
  });

  it("a generators field that is not a list", () => {
    expect(evaluateGenerators({ generators: { list: {} } }, treeOf({})).notes).toEqual(["spec.generators is not a list"]);
    expect(evaluateGenerators({}, treeOf({})).results).toEqual([]);
  });

  it("bounds the parameter sets of a matrix", () => {
    const elements = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ [`k`]: String(i) })));
    const other = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ [`j`]: String(i) })));
    const { params, notes } = run(`- matrix: {generators: [{list: {elements: ${elements}}}, {list: {elements: ${other}}}]}`);
    expect(params).toEqual([]);
    expect(notes).toEqual([`matrix generator not evaluated: more than ${MAX_PARAM_SETS} parameter sets`]);
  });
});

describe("hostile generators", () => {
  it("bounds rendering a large second child once per set of the first", () => {
    const left = JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ a: `a${i}` })));
    const right = JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ b: `b${i}` })));
    const started = Date.now();
    const { params, notes } = run(`- matrix: {generators: [{list: {elements: ${left}}}, {list: {elements: ${right}}, selector: {matchLabels: {none: x}}}]}`);
    expect(params).toEqual([]);
    expect(notes).toEqual(["matrix generator not evaluated: child 2 (list) cannot be evaluated: too large to evaluate (matrix child rendered for too many parameter sets)"]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("ApplicationSets with matrix and merge generators in a repository", () => {
  const appset = (generators: string, template: string, goTemplate = false) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: addons
spec:
  goTemplate: ${goTemplate}
  generators:
${generators.replace(/^/gm, "    ")}
  template:
${template.replace(/^/gm, "    ")}
`;
  const chartTemplate = `metadata:
  name: '{{path.basename}}-{{cluster}}'
spec:
  project: platform
  source:
    repoURL: '{{repoURL}}'
    chart: '{{chart}}'
    targetRevision: '{{version}}'
  destination:
    server: '{{url}}'
    namespace: '{{path.basename}}'
`;
  const addons = {
    "addons/cert-manager/addon.yaml": "chart: cert-manager\nrepoURL: https://charts.jetstack.io\nversion: v1.14.4\n",
    "addons/ingress-nginx/addon.yaml": "chart: ingress-nginx\nrepoURL: https://kubernetes.github.io/ingress-nginx\nversion: 4.10.0\n",
  };
  const clusters = `- list:
    elements:
      - {cluster: dev, url: https://dev.example.com}
      - {cluster: prod-eu, url: https://prod-eu.example.com}`;

  it("creates one deployment per addon and cluster", () => {
    const tree = new Map(Object.entries({ ...addons, "argocd/addons.yaml": appset(`- matrix:\n    generators:\n      - git: {files: [{path: "addons/*/addon.yaml"}]}\n${clusters.replace(/^/gm, "      ")}`, chartTemplate) }));
    const model = readRepository(tree);
    expect(model.deployments.map((d) => [d.app, d.env, d.versions.map((v) => `${v.name}@${v.value ?? ""}`).join(), d.destination?.cluster, d.destination?.namespace])).toEqual([
      ["cert-manager", "dev", "cert-manager@v1.14.4", "https://dev.example.com", "cert-manager"],
      ["cert-manager", "prod-eu", "cert-manager@v1.14.4", "https://prod-eu.example.com", "cert-manager"],
      ["ingress-nginx", "dev", "ingress-nginx@4.10.0", "https://dev.example.com", "ingress-nginx"],
      ["ingress-nginx", "prod-eu", "ingress-nginx@4.10.0", "https://prod-eu.example.com", "ingress-nginx"],
    ]);
    expect(model.apps).toEqual([
      { name: "cert-manager", team: "platform", path: "argocd/addons.yaml" },
      { name: "ingress-nginx", team: "platform", path: "argocd/addons.yaml" },
    ]);
  });

  it("reads tenants from a files generator over tenant folders inside a matrix", () => {
    const generators = `- matrix:\n    generators:\n      - git: {files: [{path: "tenants/*/tenant-values.yaml"}]}\n${clusters.replace(/^/gm, "      ")}`;
    const model = readRepository(new Map(Object.entries({ "tenants/team-a/tenant-values.yaml": "x: 1\n", "argocd/tenants.yaml": appset(generators, chartTemplate) })));
    expect(model.teams).toEqual([{ name: "team-a" }]);
    expect(model.conventions).toContain("tenants");
    expect(model.deployments).toEqual([]);
  });

  it("a matrix with the clusters generator gives a note and no deployments", () => {
    const tree = new Map(Object.entries({ ...addons, "argocd/addons.yaml": appset(`- matrix:\n    generators:\n      - git: {files: [{path: "addons/*/addon.yaml"}]}\n      - clusters: {}`, chartTemplate) }));
    const model = readRepository(tree);
    expect(model.deployments).toEqual([]);
    expect(model.errors).toEqual([]);
    expect(model.notes).toContain(
      "argocd/addons.yaml: ApplicationSet addons: matrix generator not evaluated: child 2 (clusters) cannot be evaluated: it lists the clusters registered in Argo CD (cluster secrets), which are not in the repository",
    );
  });

  it("skips an application whose name stays unresolved (Go syntax in a fasttemplate set)", () => {
    const template = chartTemplate.replace("'{{path.basename}}-{{cluster}}'", "'{{.path.basename}}-{{.cluster}}'");
    const tree = new Map(Object.entries({ ...addons, "argocd/addons.yaml": appset(`- matrix:\n    generators:\n      - git: {files: [{path: "addons/*/addon.yaml"}]}\n${clusters.replace(/^/gm, "      ")}`, template) }));
    const model = readRepository(tree);
    expect(model.deployments).toEqual([]);
    expect(model.notes).toContain("argocd/addons.yaml: ApplicationSet addons: could not evaluate {{.path.basename}}, {{.cluster}}");
    expect(model.notes).toContain("argocd/addons.yaml: ApplicationSet addons: no application for unresolved name {{.path.basename}}-{{.cluster}}");
  });

  it("pins a newer version in one env with a merge override (goTemplate)", () => {
    const generators = `- merge:
    mergeKeys: [name, cluster]
    generators:
      - matrix:
          generators:
            - git: {files: [{path: "addons/*/addon.yaml"}]}
            - list:
                elements:
                  - {cluster: dev, url: https://dev.example.com}
                  - {cluster: prod, url: https://prod.example.com}
      - list:
          elements:
            - {name: cert-manager, cluster: dev, version: v1.15.0}`;
    const template = `metadata:
  name: '{{.name}}-{{.cluster}}'
spec:
  project: platform
  source: {repoURL: '{{.repoURL}}', chart: '{{.chart}}', targetRevision: '{{.version}}'}
  destination: {server: '{{.url}}', namespace: '{{.name}}'}
`;
    const files = {
      "addons/cert-manager/addon.yaml": "name: cert-manager\nchart: cert-manager\nrepoURL: https://charts.jetstack.io\nversion: v1.14.4\n",
      "argocd/addons.yaml": appset(generators, template, true),
    };
    const model = readRepository(new Map(Object.entries(files)));
    expect(model.deployments.map((d) => `${d.app}/${d.env}: ${d.versions.map((v) => v.value ?? "").join()}`)).toEqual(["cert-manager/dev: v1.15.0", "cert-manager/prod: v1.14.4"]);
  });
});

describe("an ApplicationSet Argo CD rejects", () => {
  it("is reported as an error of its file, naming the generator and why, not dropped silently", () => {
    const set = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: addons\nspec:\n  generators:\n    - list:\n        elements:\n          - cluster: dev\n            values: values-dev.yaml\n  template:\n    metadata:\n      name: '{{ cluster }}-dns'\n    spec:\n      source:\n        repoURL: https://git.example/acme/apps\n        path: addons/dns\n      destination:\n        namespace: dns\n";
    const model = readRepository(new Map([["argocd/addons.yaml", set]]));
    expect(model.errors).toEqual([{ file: "argocd/addons.yaml", message: expect.stringMatching(/^ApplicationSet addons generates no Application: list generator.*values is not a mapping\. Argo CD rejects it the same way/) }]);
    // A generator Ferry cannot evaluate from the repository (clusters registered in Argo CD) is no error.
    const clusters = set.replace("    - list:\n        elements:\n          - cluster: dev\n            values: values-dev.yaml\n", "    - clusters: {}\n");
    expect(readRepository(new Map([["argocd/addons.yaml", clusters]])).errors).toEqual([]);
  });
});
