import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { ChartRenderer } from "@/lib/gitops/read/helm/template-exec";
import { QUEUE_SETUP_WAIT_SECONDS } from "@/lib/sync/worker";
import { mergeValues } from "@/lib/gitops/read/helm/template-values";
import { builtInObjects, validateSchema, type KubernetesObject } from "./testing/kubernetes-schema";

// deploy/helm/ferry without a helm binary (none can be installed here): the chart's metadata and values
// parse, every value a template reads exists, every include is defined, every block is closed, the
// templates say what the kustomize manifests say (probes, worker switch, hook, security context), and the
// chart rendered by Ferry's own Helm engine gives objects valid against the Kubernetes API's schemas.
// deploy-manifests.int.test.ts builds the kustomize twin with kubectl.

const root = path.resolve(import.meta.dirname, "..");
const chartDir = path.join(root, "deploy", "helm", "ferry");
const read = (file: string) => readFileSync(path.join(chartDir, file), "utf8");
const templates = Object.fromEntries(readdirSync(path.join(chartDir, "templates")).map((f) => [f, read(path.join("templates", f))]));
const values = parse(read("values.yaml")) as Record<string, unknown>;
const chart = parse(read("Chart.yaml")) as Record<string, unknown>;

/**
 * The chart rendered by Ferry's own Helm template engine (lib/gitops/read/helm, what the reader renders charts
 * with: `helm template` semantics for the constructs it evaluates, and a loud error for any other), as release
 * "ferry" in namespace "ferry", with `overrides` merged over values.yaml as `helm -f` merges them. No helm
 * binary can be installed here.
 */
function renderChart(overrides: Record<string, unknown>): KubernetesObject[] {
  const files = Object.entries(templates).map(([file, text]) => ({ path: `templates/${file}`, text }));
  const context = {
    Values: mergeValues([values, overrides]),
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    Release: { Name: "ferry", Namespace: "ferry", Service: "Helm" },
  };
  return files
    .filter((f) => f.path.endsWith(".yaml"))
    .flatMap((f) => parseAllDocuments(new ChartRenderer(context, files).render(f.text).text).map((d) => d.toJS() as KubernetesObject | null))
    .filter((o): o is KubernetesObject => o !== null);
}

const OBSERVABILITY = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } };
const ZIPKIN = { ports: [{ protocol: "TCP", port: 9411 }] };

function valueAt(dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), values);
}

/** How long a container's startupProbe lets it start, in seconds. */
function startupBudget(object: KubernetesObject | undefined): number {
  const spec = (object as { spec?: { template?: { spec?: { containers?: { startupProbe?: { periodSeconds?: number; failureThreshold?: number } }[] } } } } | undefined)?.spec;
  const probe = spec?.template?.spec?.containers?.[0]?.startupProbe;
  return (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);
}

describe("deploy/helm/ferry", () => {
  it("lets a worker start for longer than it may wait for another process's job-queue set-up", () => {
    // The first start is awaited before the server answers its probes: a shorter budget restarts the pod mid-wait.
    const worker = renderChart({}).find((o) => o.kind === "Deployment" && /worker/.test(String(o.metadata?.name)));
    expect(worker).toBeDefined();
    expect(startupBudget(worker)).toBeGreaterThanOrEqual(2 * QUEUE_SETUP_WAIT_SECONDS);
    const kustomizeWorker = parse(readFileSync(path.join(root, "deploy", "kustomize", "ferry", "base", "worker-deployment.yaml"), "utf8")) as KubernetesObject;
    expect(startupBudget(kustomizeWorker)).toBe(startupBudget(worker));
  });

  it("is a v2 application chart whose appVersion and default image tag are this package's version", () => {
    const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    expect(chart).toMatchObject({ apiVersion: "v2", name: "ferry", type: "application", appVersion: version });
    expect(valueAt("image.tag")).toBe(version);
  });

  it("reads only values that values.yaml defines", () => {
    const used = new Set<string>();
    for (const text of Object.values(templates)) for (const m of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) used.add(m[1]!.replace(/\.$/, ""));
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used].filter((key) => valueAt(key) === undefined);
    expect(missing).toEqual([]);
  });

  it("includes only templates it defines, and closes every block it opens", () => {
    const helpers = templates["_helpers.tpl"]!;
    const defined = new Set([...helpers.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((m) => m[1]));
    for (const [file, text] of Object.entries(templates)) {
      for (const m of text.matchAll(/include\s+"([^"]+)"/g)) expect(defined, `${file} includes ${m[1]}`).toContain(m[1]);
      const opened = [...text.matchAll(/\{\{-?\s*(if|range|with|define)\b/g)].length;
      const closed = [...text.matchAll(/\{\{-?\s*end\s*-?\}\}/g)].length;
      expect(closed, `${file}: ${opened} blocks opened, ${closed} closed`).toBe(opened);
    }
  });

  it("has every object a platform team needs: web and worker Deployments, the hook Job, Services, PDB, NetworkPolicy, ServiceMonitor", () => {
    const kinds = Object.entries(templates)
      .filter(([file]) => file.endsWith(".yaml"))
      .flatMap(([, text]) => [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]))
      .sort();
    expect(kinds).toEqual(["Deployment", "Deployment", "Job", "NetworkPolicy", "PodDisruptionBudget", "Service", "ServiceMonitor"]);
    expect((valueAt("web.replicas") as number) >= 2).toBe(true);
  });

  it("probes ready and live, switches the worker on only in the worker Deployment", () => {
    for (const [file, flag] of [["deployment-web.yaml", "off"], ["deployment-worker.yaml", "on"]] as const) {
      const text = templates[file]!;
      expect(text).toMatch(/readinessProbe:\s+httpGet:\s+path: \/api\/health\/ready/);
      expect(text).toMatch(/livenessProbe:\s+httpGet:\s+path: \/api\/health\/live/);
      expect(text).toContain(`include "ferry.env" (dict "root" . "worker" "${flag}")`);
    }
  });

  it("migrates in a pre-install/pre-upgrade hook that runs the image's prepare step", () => {
    const job = templates["job-prepare-database.yaml"]!;
    expect(job).toContain("helm.sh/hook: pre-install,pre-upgrade");
    expect(job).toContain('command: ["node", "dist/prepare-database.mjs"');
  });

  it("references the Secret by name and locks containers down by default", () => {
    expect(templates["_helpers.tpl"]).toMatch(/envFrom:\s+- secretRef:\s+name: \{\{ \$root\.Values\.existingSecret \}\}/);
    expect(valueAt("podSecurityContext")).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(valueAt("securityContext")).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
  });

  it("renders, with the default values and with every optional egress rule set, into objects valid against the Kubernetes API's schemas", async () => {
    for (const overrides of [{}, { networkPolicy: { otlpCollector: { port: 4318, to: [OBSERVABILITY] }, extraEgress: [ZIPKIN] } }]) {
      const objects = renderChart(overrides);
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
        ["Deployment/ferry-web", "Deployment/ferry-worker", "Job/ferry-prepare-database", "NetworkPolicy/ferry", "PodDisruptionBudget/ferry-web", "Service/ferry-web", "Service/ferry-worker"],
      );
      for (const o of builtInObjects(objects)) await expect(validateSchema(o), `${o.kind}/${o.metadata.name}`).resolves.toBeUndefined();
    }
  });

  it("opens egress to an OpenTelemetry collector only when networkPolicy.otlpCollector.port is set, after the fixed rules, as the kustomize component does", () => {
    const egress = (overrides: Record<string, unknown>) => (renderChart(overrides).find((o) => o.kind === "NetworkPolicy")!.spec as { egress: object[] }).egress;
    // Closed by default: DNS, PostgreSQL, HTTPS and SSH, nothing more.
    const fixed = egress({});
    expect(fixed.flatMap((rule) => (rule as { ports: { port: number }[] }).ports.map((p) => p.port))).toEqual([53, 53, 5432, 443, 22]);
    expect(egress({ networkPolicy: { otlpCollector: { port: 4318 } } })).toEqual([...fixed, { ports: [{ protocol: "TCP", port: 4318 }] }]);
    expect(egress({ networkPolicy: { otlpCollector: { port: 4318, to: [OBSERVABILITY] }, extraEgress: [ZIPKIN] } })).toEqual([
      ...fixed,
      { ports: [{ protocol: "TCP", port: 4318 }], to: [OBSERVABILITY] },
      ZIPKIN,
    ]);
    // The rule the kustomize component adds is the chart's with port 4318.
    const component = parse(readFileSync(path.join(root, "deploy", "kustomize", "ferry", "components", "otlp-egress", "kustomization.yaml"), "utf8")) as { patches: { patch: string }[] };
    expect(parse(component.patches[0]!.patch)).toEqual([{ op: "add", path: "/spec/egress/-", value: egress({ networkPolicy: { otlpCollector: { port: 4318 } } }).at(-1) }]);
  });

  it("asks for the same resources as the kustomize manifests", () => {
    const base = path.join(root, "deploy", "kustomize", "ferry", "base");
    for (const [file, key] of [["web-deployment.yaml", "web"], ["worker-deployment.yaml", "worker"]] as const) {
      const [doc] = parseAllDocuments(readFileSync(path.join(base, file), "utf8")).map((d) => d.toJS() as { spec: { template: { spec: { containers: { resources: unknown }[] } } } });
      expect(valueAt(`${key}.resources`)).toEqual(doc!.spec.template.spec.containers[0]!.resources);
    }
  });
});
