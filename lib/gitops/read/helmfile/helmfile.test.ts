import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { applyEdits } from "../../promote/test-helpers";
import { loadFixture } from "../../testing/load-fixture";
import { readRepository } from "../index";

// helmfile: a release is an app, an environment helmfile declares is an environment, and a version is
// edited where it is written — the environment's values file when the helmfile prints it from there.

const cell = (tree: FileTree, app: string, env: string) => readRepository(tree).deployments.find((d) => d.app === app && d.env === env);
const version = (tree: FileTree, app: string, env: string) => cell(tree, app, env)?.versions[0];

function promote(tree: FileTree, app: string, from: string, to: string) {
  const source = cell(tree, app, from);
  const target = cell(tree, app, to);
  if (!source || !target) throw new Error(`no ${app} in ${from} or ${to}`);
  const plan = planPromotion({ tree, source, target, mode: "version", baseSha: "abc", repository: "r" });
  if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
  return { plan, after: applyEdits(tree, plan.changeSet.edits) };
}

describe("helmfile", () => {
  const tree = loadFixture("helmfile-environments");

  it("reads each environment of the helmfile and its bases, releases included or left out per environment", () => {
    const model = readRepository(tree);
    expect(model.environments.map((e) => e.name)).toEqual(["staging", "production"]);
    const cells = model.deployments.map((d) => `${d.app}@${d.env}`).sort();
    // redis is off in production (`condition: redis.enabled`), debug-tools is not installed there.
    expect(cells).toEqual(
      ["debug-tools@staging", "ingress-nginx@production", "ingress-nginx@staging", "kube-prometheus-stack@production", "kube-prometheus-stack@staging", "orders@production", "orders@staging", "payments@production", "payments@staging", "redis@staging"].sort(),
    );
    expect(model.conventions).toContain("helmfile");
  });

  it("locates a chart version printed from the environment's values in the values file that sets it", () => {
    expect(version(tree, "ingress-nginx", "staging")).toMatchObject({ value: "4.11.2", file: "environments/staging.yaml", path: ["ingress", "chartVersion"] });
    expect(version(tree, "ingress-nginx", "production")).toMatchObject({ value: "4.10.1", file: "environments/common.yaml", path: ["ingress", "chartVersion"] });
  });

  it("follows values a helmfile passes to a sub-helmfile back to the environment file", () => {
    expect(version(tree, "kube-prometheus-stack", "production")).toMatchObject({ value: "60.0.1", file: "environments/production.yaml", path: ["monitoring", "prometheusVersion"], field: expect.stringMatching(/^monitoring\.prometheusVersion /) });
  });

  it("reads a local chart's image from the per-environment values file over the chart's defaults", () => {
    expect(cell(tree, "orders", "production")?.versions).toEqual([expect.objectContaining({ kind: "image", name: "ghcr.io/acme/orders", value: "3.3.2", file: "values/orders-production.yaml", path: ["image", "tag"] })]);
  });

  it("says a version set only when helmfile runs is unknown, and why", () => {
    const payments = cell(tree, "payments", "staging");
    expect(payments?.versions[0]).toMatchObject({ value: null, floating: true });
    expect(payments?.errors).toEqual([expect.stringContaining("requiredEnv PAYMENTS_CHART_VERSION")]);
  });

  it("promotes a chart version by editing the target environment's values file, comments kept", () => {
    const { plan, after } = promote(tree, "kube-prometheus-stack", "staging", "production");
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["environments/production.yaml"]);
    expect(after.get("environments/production.yaml")).toContain("prometheusVersion: 61.3.0");
    expect(version(after, "kube-prometheus-stack", "production")?.value).toBe("61.3.0");
    expect(version(after, "kube-prometheus-stack", "staging")?.value).toBe("61.3.0");
  });

  it("promotes an image tag in a per-environment values file and keeps the line's comment", () => {
    const { after } = promote(tree, "orders", "staging", "production");
    expect(after.get("values/orders-production.yaml")).toBe("image:\n  tag: 3.4.0 # promoted 2026-11-20\n");
    expect(version(after, "orders", "production")?.value).toBe("3.4.0");
  });

  it("promotes into a values file another environment shares only where that environment does not move", () => {
    const { after } = promote(tree, "ingress-nginx", "staging", "production");
    expect(version(after, "ingress-nginx", "production")?.value).toBe("4.11.2");
    expect(version(after, "ingress-nginx", "staging")?.value).toBe("4.11.2");
  });

  it("reads a helmfile without environments as the one default environment, and helmfile.d parts alike", () => {
    const plain: FileTree = new Map([
      ["helmfile.d/00-ingress.yaml", "releases:\n  - name: ingress\n    chart: ingress-nginx/ingress-nginx\n    version: 4.9.0\n"],
      ["helmfile.d/10-app.yaml.gotmpl", 'releases:\n  - name: web\n    chart: oci://ghcr.io/acme/charts/web\n    version: {{ env "WEB_VERSION" | default "1.4.2" }}\n'],
    ]);
    const model = readRepository(plain);
    expect(model.deployments.map((d) => [d.app, d.env, d.versions[0]?.value, d.versions[0]?.file])).toEqual([
      ["ingress", "default", "4.9.0", "helmfile.d/00-ingress.yaml"],
      ["web", "default", "1.4.2", "helmfile.d/10-app.yaml.gotmpl"],
    ]);
  });

  it("reports a helmfile it cannot render as a repository error and reads the rest", () => {
    const broken: FileTree = new Map([
      ["helmfile.yaml", "environments:\n  dev: {}\n  prod: {}\n---\nreleases:\n  - name: api\n    chart: acme/api\n    version: {{ .Values.version | nosuchfunc }}\n---\nreleases:\n  - name: web\n    chart: acme/web\n    version: 2.0.0\n"],
    ]);
    const model = readRepository(broken);
    expect(model.errors).toEqual([expect.objectContaining({ file: "helmfile.yaml", message: expect.stringContaining("part 2 could not be rendered") })]);
    expect(model.deployments.map((d) => `${d.app}@${d.env}=${d.versions[0]?.value}`)).toEqual(["web@dev=2.0.0", "web@prod=2.0.0"]);
  });

  it("resolves paths in a bases: file from the helmfile that loads it, as helmfile does", () => {
    const t: FileTree = new Map([
      ["app/environments.yaml", "environments:\n  dev:\n    values:\n      - ../variables/dev.yaml\n  prod:\n    values:\n      - ../variables/prod.yaml\n"],
      ["app/helmfile.d/10-api.yaml", "bases:\n  - ../environments.yaml\n---\nreleases:\n  - name: api\n    chart: acme/api\n    version: {{ .Values.apiChart }}\n"],
      ["app/variables/dev.yaml", "apiChart: 1.5.0\n"],
      ["app/variables/prod.yaml", "apiChart: 1.4.0\n"],
    ]);
    expect(readRepository(t).deployments.map((d) => [d.env, d.versions[0]?.value, d.versions[0]?.file])).toEqual([
      ["dev", "1.5.0", "app/variables/dev.yaml"],
      ["prod", "1.4.0", "app/variables/prod.yaml"],
    ]);
  });

  it("follows a tag a .gotmpl values file prints back to the environment's values file", () => {
    const t: FileTree = new Map([
      ["helmfile.yaml", "environments:\n  dev:\n    values: [env/dev.yaml]\n  prod:\n    values: [env/prod.yaml]\n---\nreleases:\n  - name: api\n    chart: acme/api\n    version: 1.0.0\n    values:\n      - api.yaml.gotmpl\n"],
      ["api.yaml.gotmpl", "image:\n  repository: ghcr.io/acme/api\n  tag: {{ .Values.apiTag | quote }}\n"],
      ["env/dev.yaml", "apiTag: 2.1.0\n"],
      ["env/prod.yaml", "apiTag: 2.0.3\n"],
    ]);
    const prod = cell(t, "api", "prod");
    expect(prod?.versions.find((v) => v.kind === "image")).toMatchObject({ value: "2.0.3", file: "env/prod.yaml", path: ["apiTag"] });
    const { after } = promote(t, "api", "dev", "prod");
    expect(after.get("env/prod.yaml")).toBe("apiTag: 2.1.0\n");
    expect(after.get("api.yaml.gotmpl")).toBe(t.get("api.yaml.gotmpl"));
  });

  it("names the environment from the stage a namespace is named for when the helmfile declares none", () => {
    const sub = (ns: string, v: string) => `namespace: ${ns}\nreleases:\n  - name: shop\n    chart: dev/shop\n    version: ${v}\n`;
    const t: FileTree = new Map([
      ["helmfile.yaml", "helmfiles:\n  - path: helmfiles/team-staging/helmfile.yaml\n  - path: helmfiles/team-production/helmfile.yaml\n  - path: helmfiles/tools/helmfile.yaml\n"],
      ["helmfiles/team-staging/helmfile.yaml", sub("team-staging", "0.0.20")],
      ["helmfiles/team-production/helmfile.yaml", sub("team-production", "0.0.19")],
      ["helmfiles/tools/helmfile.yaml", "namespace: tools\nreleases:\n  - name: ingress\n    chart: x/ingress\n    version: 3.0.0\n"],
    ]);
    expect(readRepository(t).deployments.map((d) => `${d.app}@${d.env}=${d.versions[0]?.value}`).sort()).toEqual(["ingress@default=3.0.0", "shop@production=0.0.19", "shop@staging=0.0.20"]);
  });

  it("reads releases named after a stage as their service's, installed where installedTemplate says", () => {
    const t: FileTree = new Map([
      [
        "services/citoid/helmfile.yaml",
        'templates:\n  default: &default\n    namespace: citoid\n    chart: stable/citoid\n    installedTemplate: "{{`{{ has .Release.Name .Environment.Values.releases }}`}}"\n    missingFileHandler: Warn\n    values:\n      - "/etc/helmfile-defaults/general-{{ .Environment.Name }}.yaml"\n      - values.yaml\n      - "values-{{ .Environment.Name }}.yaml"\nreleases:\n  - name: production\n    <<: *default\n  - name: staging\n    <<: *default\nenvironments:\n  staging:\n    values:\n      - releases: [staging]\n  eqiad:\n    values:\n      - releases: [production]\n',
      ],
      ["services/citoid/values.yaml", "main_app:\n  image: wikimedia/citoid\n  version: 2026-02-25-1\n"],
      ["services/citoid/values-staging.yaml", "main_app:\n  version: 2026-03-01-7\n"],
    ]);
    const model = readRepository(t);
    expect(model.errors).toEqual([]);
    const image = (env: string) => model.deployments.filter((d) => d.env === env).map((d) => [d.app, d.versions.find((v) => v.kind === "image")?.value, d.versions.find((v) => v.kind === "image")?.file]);
    expect(model.deployments).toHaveLength(2);
    expect(image("staging")).toEqual([["citoid", "2026-03-01-7", "services/citoid/values-staging.yaml"]]);
    expect(image("eqiad")).toEqual([["citoid", "2026-02-25-1", "services/citoid/values.yaml"]]);
  });

  it("does not take an environment key written as {{ .Environment.Name }} for one more environment", () => {
    const t: FileTree = new Map([
      ["helmfile.yaml.gotmpl", "environments:\n  dev: {}\n  prod: {}\n---\nenvironments:\n  {{ .Environment.Name }}:\n    values:\n      - environments/{{ .Environment.Name }}.yaml\n---\nreleases:\n  - name: grafana\n    chart: grafana/grafana\n    version: {{ .Values.grafana }}\n"],
      ["environments/dev.yaml", "grafana: 7.3.9\n"],
      ["environments/prod.yaml", "grafana: 7.0.19\n"],
    ]);
    const model = readRepository(t);
    expect(model.errors).toEqual([]);
    expect(model.deployments.map((d) => `${d.env}=${d.versions[0]?.value}`)).toEqual(["dev=7.3.9", "prod=7.0.19"]);
  });
  it("reads a release named for its environment as one app across environments", () => {
    const t: FileTree = new Map([
      [
        "helmfile.yaml.gotmpl",
        "environments:\n  staging:\n    values: [env/staging.yaml]\n  production:\n    values: [env/production.yaml]\n---\nreleases:\n  - name: {{ .Environment.Name }}-api\n    chart: acme/api\n    version: {{ .Values.api }}\n  - name: web-{{ .Values.suffix }}\n    chart: acme/web\n    version: 2.0.0\n  - name: default-backend\n    chart: acme/backend\n    version: 1.0.0\n",
      ],
      ["env/staging.yaml", "api: 1.2.0\nsuffix: stg\n"],
      ["env/production.yaml", "api: 1.1.0\nsuffix: prod\n"],
    ]);
    const model = readRepository(t);
    expect(model.errors).toEqual([]);
    expect(model.deployments.map((d) => `${d.app}@${d.env}=${d.versions[0]?.value}`).sort()).toEqual([
      "api@production=1.1.0",
      "api@staging=1.2.0",
      "default-backend@production=1.0.0",
      "default-backend@staging=1.0.0",
      "web@production=2.0.0",
      "web@staging=2.0.0",
    ]);
    expect(version(t, "api", "production")).toMatchObject({ file: "env/production.yaml", path: ["api"] });
  });

  it("keeps a release name that only looks like another environment's", () => {
    const t: FileTree = new Map([["helmfile.yaml", "environments:\n  staging: {}\n---\nreleases:\n  - name: api-prod\n    chart: acme/api\n    version: 1.0.0\n  - name: staging\n    chart: acme/site\n    version: 3.0.0\n"]]);
    expect(readRepository(t).deployments.map((d) => `${d.app}@${d.env}`).sort()).toEqual(["api-prod@staging", "staging@staging"]);
  });
});
