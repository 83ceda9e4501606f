import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findRenderer, onPath, type Renderer } from "./kustomize-runner";
import { renderFolder } from "./render-folder";

// The real renderer (kubectl kustomize) on real folders, and a stand-in binary only where a real one
// cannot misbehave on purpose (hanging).

const kubectl = onPath("kubectl", process.env.PATH);
const scratch = mkdtempSync(path.join(tmpdir(), "ferry-render-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const limits = { timeoutMs: 20_000, memoryBytes: 1024 * 1024 * 1024, maxOutputBytes: 8 * 1024 * 1024 };

const overlay = (image = "shop/checkout:1.1.0"): Map<string, string> =>
  new Map([
    ["apps/checkout/base/kustomization.yaml", "resources:\n  - deployment.yaml\n"],
    ["apps/checkout/base/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: shop/checkout:1.0.0\n"],
    ["apps/checkout/overlays/staging/kustomization.yaml", `namespace: staging\nresources:\n  - ../../base\nimages:\n  - name: shop/checkout\n    newTag: "${image.split(":")[1]}"\n`],
  ]);

function script(name: string, body: string): Renderer {
  const file = path.join(scratch, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return { label: name, command: file, args: (dir) => ["build", dir] };
}

describe.skipIf(!kubectl)("renderFolder with kubectl kustomize", () => {
  it("renders an overlay into resources with the overlay's image", async () => {
    const r = await renderFolder(overlay(), "apps/checkout/overlays/staging", { limits });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.renderer).toBe("kubectl kustomize");
    expect(r.resources.map((x) => x.key)).toEqual(["Deployment/staging/checkout"]);
    expect(JSON.stringify(r.resources[0]?.object)).toContain("shop/checkout:1.1.0");
  });

  it("gives kustomize's own error for a folder that does not build, without the temp path", async () => {
    const tree = overlay();
    tree.set("apps/checkout/base/kustomization.yaml", "resources:\n  - deployment.yaml\n  - missing.yaml\n");
    const r = await renderFolder(tree, "apps/checkout/overlays/staging", { limits });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(/^kubectl kustomize failed \(exit 1\): .*missing\.yaml/);
    expect(r.reason).not.toContain("ferry-render-");
    expect(r.transient).toBe(false);
  });

  it("stops a rendering past the output cap", async () => {
    const tree = overlay();
    tree.set("apps/checkout/base/kustomization.yaml", "resources:\n  - deployment.yaml\n  - big.yaml\n");
    tree.set("apps/checkout/base/big.yaml", `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: "${"x".repeat(200_000)}"\n`);
    const r = await renderFolder(tree, "apps/checkout/overlays/staging", { limits: { ...limits, maxOutputBytes: 50_000 } });
    expect(r).toMatchObject({ ok: false, reason: "kubectl kustomize rendered more than 50000 bytes; rendering stopped there." });
  });

  it("applies the memory limit to the child", async () => {
    const r = await renderFolder(overlay(), "apps/checkout/overlays/staging", { limits: { ...limits, memoryBytes: 128 * 1024 * 1024 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain("memory limit 128 MiB reached");
  });

  it("keeps helm inflation off: a helmCharts folder fails instead of running helm", async () => {
    const tree = new Map([["env/kustomization.yaml", "helmCharts:\n  - name: podinfo\n    repo: https://stefanprodan.github.io/podinfo\n    version: 6.0.0\n"]]);
    const r = await renderFolder(tree, "env", { limits });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(/enable-helm/);
  });
});

describe("renderFolder limits and refusals", () => {
  it("kills a renderer that does not finish, and what it started", async () => {
    const pidFile = path.join(scratch, "grandchild.pid");
    const hang = script("hang", `sleep 60 & echo $! > ${pidFile}\nwait`);
    const r = await renderFolder(overlay(), "apps/checkout/overlays/staging", { renderer: hang, limits: { ...limits, timeoutMs: 500 } });
    expect(r).toMatchObject({ ok: false, transient: true, reason: "hang did not finish within 0.5 s and was stopped." });
    const pid = Number(readFileSync(pidFile, "utf8"));
    // The grandchild was in the killed process group: gone, or a zombie waiting for init to reap it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : null;
    expect(stat === null || / Z /.test(stat.slice(stat.lastIndexOf(")")))).toBe(true);
  });

  it("reads a folder without kustomization.yaml as its own manifests, without running the renderer", async () => {
    const ran = path.join(scratch, "ran-plain");
    const tree = new Map([
      ["env/staging/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData: {password: hunter2}\n"],
      ["env/staging/service.json", '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"}}'],
      ["env/staging/README.md", "not a manifest"],
      ["env/staging/nested/other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nested}\n"],
    ]);
    const r = await renderFolder(tree, "env/staging", { renderer: script("never", `touch ${ran}; exit 3`), limits });
    expect(r.ok && r.renderer).toBe("plain manifests");
    // Not recursive (Argo CD's directory default); the Secret's values are masked later, by the comparison.
    expect(r.ok ? r.resources.map((x) => x.key) : r.reason).toEqual(["Deployment/shop/web", "Secret/shop/db", "Service/shop/web"]);
    expect(existsSync(ran)).toBe(false);
  });

  it("says why a plain folder cannot be read: a document that is no Kubernetes object, a Helm chart, no manifests", async () => {
    const stray = await renderFolder(new Map([["env/dev/values.yaml", "image: {tag: 1.0.0}\n"]]), "env/dev", { renderer: script("never", "exit 3"), limits });
    expect(stray).toMatchObject({ ok: false, reason: "env/dev holds a document that is not a Kubernetes object ((no kind)/(no name), no apiVersion or kind): it would not apply as it is." });
    const chart = await renderFolder(new Map([["charts/web/Chart.yaml", "name: web\n"], ["charts/web/values.yaml", "a: 1\n"]]), "charts/web", { renderer: script("never", "exit 3"), limits });
    expect(chart).toMatchObject({ ok: false, reason: "charts/web is a Helm chart: rendering Helm charts is not available yet." });
    const empty = await renderFolder(new Map([["env/prod/notes.txt", "x"]]), "env/prod", { renderer: script("never", "exit 3"), limits });
    expect(empty).toMatchObject({ ok: false, reason: "env/prod has no kustomization.yaml and no manifest files: there is nothing to render." });
  });

  it("says a cell defined by a file (an Argo CD Application) is not rendered", async () => {
    const r = await renderFolder(new Map([["argocd/checkout-staging.yaml", "kind: Application\n"]]), "argocd/checkout-staging.yaml", { renderer: script("never2", "exit 3"), limits });
    expect(r).toMatchObject({ ok: false, reason: "the cell is defined by the file argocd/checkout-staging.yaml, not a folder: only kustomize and plain manifest folders are rendered." });
  });

  it("refuses to build a folder that reaches outside the repository", async () => {
    const ran = path.join(scratch, "ran");
    const spy = script("spy", `touch ${ran}`);
    const r = await renderFolder(new Map([["env/kustomization.yaml", "resources:\n  - /etc/ferry\n"]]), "env", { renderer: spy, limits });
    expect(r).toMatchObject({ ok: false, reason: "env/kustomization.yaml refers to /etc/ferry, outside the repository." });
    expect(existsSync(ran)).toBe(false);
  });

  it("uses FERRY_KUSTOMIZE_BIN as `kustomize build` with the load restrictor and no plugins", async () => {
    const argsFile = path.join(scratch, "args");
    const fake = script("kustomize", `echo "$@" > ${argsFile}\necho "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-fake"`);
    const found = findRenderer({ FERRY_KUSTOMIZE_BIN: fake.command, PATH: "" });
    expect("renderer" in found).toBe(true);
    if (!("renderer" in found)) return;
    const r = await renderFolder(overlay(), "apps/checkout/overlays/staging", { renderer: found.renderer, limits });
    expect(r).toMatchObject({ ok: true, renderer: "kustomize build" });
    const args = readFileSync(argsFile, "utf8").trim().split(" ");
    expect(args[0]).toBe("build");
    expect(args).toContain("--load-restrictor=LoadRestrictionsRootOnly");
    expect(args.join(" ")).not.toMatch(/helm|plugin|exec/);
  });

  it("says rendering is unavailable without a binary, or with a bad FERRY_KUSTOMIZE_BIN", () => {
    expect(findRenderer({ PATH: scratch })).toEqual({ unavailable: "no kustomize binary: set FERRY_KUSTOMIZE_BIN to a kustomize binary, or put kubectl on the PATH." });
    expect(findRenderer({ FERRY_KUSTOMIZE_BIN: "/nonexistent/kustomize" })).toEqual({ unavailable: "FERRY_KUSTOMIZE_BIN=/nonexistent/kustomize is not an executable file." });
    expect(findRenderer({ FERRY_KUSTOMIZE_BIN: "kustomize" })).toMatchObject({ unavailable: expect.stringContaining("absolute path") });
  });
});
