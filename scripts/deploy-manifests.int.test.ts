import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { builtInObjects, validateSchema, type KubernetesObject } from "./testing/kubernetes-schema";

// deploy/kustomize built by the real kubectl (kustomize v5), and Ferry's own reader (the ferry CLI, in
// a git repository that holds nothing but Ferry's deploy/ folder) reading the very same manifests: a
// platform team deploys Ferry with the tools Ferry reads, so Ferry must see itself correctly.

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const overlay = "deploy/kustomize/ferry/overlays/example";


async function kustomize(dir: string): Promise<KubernetesObject[]> {
  const { stdout } = await run("kubectl", ["kustomize", dir], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((d) => d.toJS() as KubernetesObject);
}

const find = (objects: KubernetesObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found;
};

type PodSpec = {
  securityContext: Record<string, unknown>;
  containers: { image: string; env?: { name: string; value?: string }[]; envFrom?: { secretRef?: { name: string } }[]; readinessProbe?: { httpGet: { path: string } }; livenessProbe?: { httpGet: { path: string } }; resources?: { requests?: object; limits?: object }; securityContext: Record<string, unknown> }[];
};
const podOf = (o: KubernetesObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;

describe("deploy/kustomize", () => {
  let objects: KubernetesObject[];
  beforeAll(async () => {
    objects = await kustomize(path.join(root, overlay));
  });

  it("builds with kubectl kustomize into every object a platform team needs", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        "ConfigMap/" + objects.find((o) => o.kind === "ConfigMap")!.metadata.name,
        "Deployment/ferry-web",
        "Deployment/ferry-worker",
        "Job/ferry-prepare-database",
        "Namespace/ferry",
        "NetworkPolicy/ferry",
        "PodDisruptionBudget/ferry-web",
        "Service/ferry-web",
        "Service/ferry-worker",
        "ServiceAccount/ferry",
        "ServiceMonitor/ferry",
      ].sort(),
    );
    for (const o of objects.filter((x) => x.kind !== "Namespace")) expect(o.metadata.namespace).toBe("ferry");
  });

  it("holds only objects valid against the Kubernetes API's schema of their kind", async () => {
    expect(builtInObjects(objects)).toHaveLength(objects.length - 1);
    for (const o of builtInObjects(objects)) await expect(validateSchema(o), `${o.kind}/${o.metadata.name}`).resolves.toBeUndefined();
    // The check does reject what the API server would: a port that is neither a number nor a name.
    const policy = structuredClone(find(objects, "NetworkPolicy", "ferry"));
    (policy.spec as { egress: { ports: { port: unknown }[] }[] }).egress[0]!.ports[0]!.port = true;
    await expect(validateSchema(policy)).rejects.toThrow(/port must be/);
  });

  it("runs web replicas (probed on ready and live) without the worker, and one worker with it", () => {
    const web = find(objects, "Deployment", "ferry-web");
    const worker = find(objects, "Deployment", "ferry-worker");
    expect((web.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
    for (const [deployment, flag] of [[web, "off"], [worker, "on"]] as const) {
      const [container] = podOf(deployment).containers;
      expect(container!.env).toContainEqual({ name: "FERRY_SYNC_WORKER", value: flag });
      expect(container!.readinessProbe!.httpGet.path).toBe("/api/health/ready");
      expect(container!.livenessProbe!.httpGet.path).toBe("/api/health/live");
    }
    const pdb = find(objects, "PodDisruptionBudget", "ferry-web");
    expect(pdb.spec).toMatchObject({ minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/component": "web" } } });
  });

  it("references secrets instead of holding them, and locks every container down", () => {
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    for (const name of ["Deployment/ferry-web", "Deployment/ferry-worker", "Job/ferry-prepare-database"]) {
      const [kind, objectName] = name.split("/") as [string, string];
      const pod = podOf(find(objects, kind, objectName));
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      for (const c of pod.containers) {
        expect(c.image).toBe("ghcr.io/example/ferry:0.1.0");
        expect(c.envFrom).toEqual([{ secretRef: { name: "ferry" } }]);
        expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        expect(c.resources?.requests).toBeDefined();
        expect(c.resources?.limits).toBeDefined();
      }
    }
    const job = find(objects, "Job", "ferry-prepare-database");
    expect((job.spec as { template: { spec: { containers: { command: string[] }[] } } }).template.spec.containers[0]!.command).toEqual(["node", "dist/prepare-database.mjs"]);
    expect(find(objects, "NetworkPolicy", "ferry").spec).toMatchObject({ policyTypes: ["Ingress", "Egress"] });
    expect(find(objects, "ServiceMonitor", "ferry").spec).toMatchObject({ endpoints: [{ port: "http", path: "/metrics" }] });
  });
});

describe("deploy/kustomize/ferry/components/otlp-egress", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ferry-otlp-overlay-"));
    // kustomize takes relative paths only: a copy of deploy/ with one more overlay beside the example.
    await cp(path.join(root, "deploy"), path.join(dir, "deploy"), { recursive: true });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const egressPorts = (objects: KubernetesObject[]) =>
    (find(objects, "NetworkPolicy", "ferry").spec as { egress: { ports: { protocol: string; port: number }[]; to?: unknown }[] }).egress;

  it("opens the OpenTelemetry collector's OTLP/HTTP port in the NetworkPolicy, on top of the rules it had, and only where an overlay lists it", async () => {
    // An installation that sends traces: the example overlay plus the component, as the component's header says.
    const traced = path.join(dir, "deploy/kustomize/ferry/overlays/traced");
    await mkdir(traced);
    await writeFile(
      path.join(traced, "kustomization.yaml"),
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../example\ncomponents:\n  - ../../components/otlp-egress\n",
    );
    const without = egressPorts(await kustomize(path.join(root, overlay)));
    expect(without.flatMap((rule) => rule.ports.map((p) => p.port))).not.toContain(4318);
    const tracedObjects = await kustomize(traced);
    const withCollector = egressPorts(tracedObjects);
    expect(withCollector).toEqual([...without, { ports: [{ protocol: "TCP", port: 4318 }] }]);
    await validateSchema(find(tracedObjects, "NetworkPolicy", "ferry"));
  });
});

describe("Ferry reading its own deploy/ folder", () => {
  let repo: string;
  beforeAll(async () => {
    repo = await mkdtemp(path.join(tmpdir(), "ferry-self-"));
    await cp(path.join(root, "deploy"), path.join(repo, "deploy"), { recursive: true });
    for (const args of [["init", "-q", "-b", "main"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "deploy"]]) await run("git", args, { cwd: repo });
  });
  afterAll(async () => {
    if (repo) await rm(repo, { recursive: true, force: true });
  });

  async function scan() {
    const { stdout } = await run(process.execPath, [path.join(root, "bin", "ferry.js"), "scan", repo, "--json"], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as { apps: { name: string }[]; deployments: { app: string; env: string; path: string; versions: { name: string; value: string; file: string }[]; errors: unknown[] }[]; errors: unknown[] };
  }

  it("sees one app, ferry, deployed by the kustomize overlay and the Helm chart at the image tag they deploy", async () => {
    const model = await scan();
    expect(model.errors).toEqual([]);
    expect(model.apps.map((a) => a.name)).toEqual(["ferry"]);
    const cells = model.deployments.map((d) => ({ env: d.env, path: d.path, versions: d.versions.map((v) => `${v.name}:${v.value} in ${v.file}`), errors: d.errors }));
    expect(cells).toEqual([
      { env: "default", path: "deploy/helm/ferry", versions: ["ghcr.io/example/ferry:0.1.0 in deploy/helm/ferry/values.yaml"], errors: [] },
      { env: "example", path: overlay, versions: [`ghcr.io/example/ferry:0.1.0 in ${overlay}/kustomization.yaml`], errors: [] },
    ]);
  });

  it("follows a new image tag in the overlay exactly as kubectl renders it", async () => {
    const file = path.join(repo, overlay, "kustomization.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("newTag: 0.1.0", "newTag: 0.2.0"));
    await run("git", ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qam", "release 0.2.0"], { cwd: repo });
    const rendered = new Set(
      (await kustomize(path.join(repo, overlay))).flatMap((o) => (o.kind === "Deployment" || o.kind === "Job" ? podOf(o).containers.map((c) => c.image) : [])),
    );
    expect([...rendered]).toEqual(["ghcr.io/example/ferry:0.2.0"]);
    const example = (await scan()).deployments.find((d) => d.env === "example")!;
    expect(example.versions.map((v) => `${v.name}:${v.value}`)).toEqual([...rendered]);
  });
});
