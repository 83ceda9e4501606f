import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

// deploy/helm/ferry without a helm binary (none can be installed here): the chart's metadata and values
// parse, every value a template reads exists, every include is defined, every block is closed, and the
// templates say what the kustomize manifests say (probes, worker switch, hook, security context, the
// collector's egress).
// Rendering is not tested here; deploy-manifests.int.test.ts builds the kustomize twin with kubectl.

const root = path.resolve(import.meta.dirname, "..");
const chartDir = path.join(root, "deploy", "helm", "ferry");
const read = (file: string) => readFileSync(path.join(chartDir, file), "utf8");
const templates = Object.fromEntries(readdirSync(path.join(chartDir, "templates")).map((f) => [f, read(path.join("templates", f))]));
const values = parse(read("values.yaml")) as Record<string, unknown>;
const chart = parse(read("Chart.yaml")) as Record<string, unknown>;

function valueAt(dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), values);
}

describe("deploy/helm/ferry", () => {
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

  it("opens egress to an OpenTelemetry collector only when networkPolicy.otlpCollector.port is set, as the kustomize component does", () => {
    // Closed by default: the policy lets out DNS, PostgreSQL, HTTPS and SSH, nothing more.
    expect(valueAt("networkPolicy")).toEqual({ enabled: true, otlpCollector: { port: 0, to: [] }, extraEgress: [] });
    const policy = templates["networkpolicy.yaml"]!;
    const egress = policy.slice(policy.indexOf("  egress:"));
    // After the fixed rules, one more egress rule (list item at the rules' indent) on the port, as an integer,
    // towards the given peers under the rule's `to:`; then extraEgress as written, as further rules.
    expect(egress).toMatch(
      /port: 22\n {4}\{\{- with \.Values\.networkPolicy\.otlpCollector \}\}\n {4}\{\{- if \.port \}\}\n {4}- ports:\n {8}- protocol: TCP\n {10}port: \{\{ \.port \| int \}\}\n {6}\{\{- with \.to \}\}\n {6}to:\n {8}\{\{- toYaml \. \| nindent 8 \}\}\n {6}\{\{- end \}\}\n {4}\{\{- end \}\}\n {4}\{\{- end \}\}\n {4}\{\{- with \.Values\.networkPolicy\.extraEgress \}\}\n {4}\{\{- toYaml \. \| nindent 4 \}\}\n {4}\{\{- end \}\}\n\{\{- end \}\}\n$/,
    );
    // The port the kustomize component opens is the one values.yaml names for OTLP/HTTP.
    const component = parse(readFileSync(path.join(root, "deploy", "kustomize", "ferry", "components", "otlp-egress", "kustomization.yaml"), "utf8")) as { patches: { patch: string }[] };
    expect(parse(component.patches[0]!.patch)).toEqual([{ op: "add", path: "/spec/egress/-", value: { ports: [{ protocol: "TCP", port: 4318 }] } }]);
    expect(read("values.yaml")).toContain("(4318 is OTLP/HTTP's), set networkPolicy.otlpCollector.port");
  });

  it("asks for the same resources as the kustomize manifests", () => {
    const base = path.join(root, "deploy", "kustomize", "ferry", "base");
    for (const [file, key] of [["web-deployment.yaml", "web"], ["worker-deployment.yaml", "worker"]] as const) {
      const [doc] = parseAllDocuments(readFileSync(path.join(base, file), "utf8")).map((d) => d.toJS() as { spec: { template: { spec: { containers: { resources: unknown }[] } } } });
      expect(valueAt(`${key}.resources`)).toEqual(doc!.spec.template.spec.containers[0]!.resources);
    }
  });
});
