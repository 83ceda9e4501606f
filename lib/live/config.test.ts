import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultTokenEnv, loadLiveSourcesConfig, LiveSourceConfigError } from "./config";

const dirs: string[] = [];
function dirWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-live-config-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("loadLiveSourcesConfig", () => {
  it("is empty without configuration", () => {
    expect(loadLiveSourcesConfig({ env: {}, cwd: dirWith({}) })).toEqual([]);
    expect(loadLiveSourcesConfig({ env: {}, cwd: dirWith({ "ferry.config.yaml": "repositories: []\n" }) })).toEqual([]);
  });

  it("reads liveSources from the config file, with the token from the environment variable it names", () => {
    const cwd = dirWith({ "ferry.config.yaml": "liveSources:\n  - name: prod-eu\n    kind: argocd\n    url: https://argocd.eu.example.com/\n" });
    expect(loadLiveSourcesConfig({ env: { FERRY_LIVE_PROD_EU_TOKEN: "t0k" }, cwd })).toEqual([
      { name: "prod-eu", kind: "argocd", url: "https://argocd.eu.example.com", tokenEnv: "FERRY_LIVE_PROD_EU_TOKEN", token: "t0k" },
    ]);
  });

  it("reads FERRY_LIVE_SOURCES first, and a token from a file (<VAR>_FILE)", () => {
    const cwd = dirWith({ "ferry.config.yaml": "liveSources:\n  - {name: other, kind: argocd, url: https://x}\n", token: "from-file\n" });
    const env = { FERRY_LIVE_SOURCES: JSON.stringify([{ name: "hub", kind: "argocd", url: "http://argocd.local:8080", tokenEnv: "ARGO_TOKEN" }]), ARGO_TOKEN_FILE: path.join(cwd, "token") };
    expect(loadLiveSourcesConfig({ env, cwd })).toEqual([{ name: "hub", kind: "argocd", url: "http://argocd.local:8080", tokenEnv: "ARGO_TOKEN", token: "from-file" }]);
  });

  it("refuses bad entries with a message naming the entry and the field", () => {
    const load = (sources: unknown) => () => loadLiveSourcesConfig({ env: { FERRY_LIVE_SOURCES: JSON.stringify(sources) }, cwd: dirWith({}) });
    expect(load([{ name: "Hub", kind: "argocd", url: "https://a" }])).toThrow(/liveSources\[0\] \("Hub"\): name: name must be a DNS-1123 label/);
    expect(load([{ name: "hub", kind: "flux", url: "https://a" }])).toThrow(/kind must be "argocd" \(an Argo CD API server\) or "kubernetes"/);
    expect(load([{ name: "hub", kind: "argocd", url: "argocd.example.com" }])).toThrow(/url must be the Argo CD server's address/);
    expect(load([{ name: "hub", kind: "argocd", url: "https://a", token: "inline" }])).toThrow(LiveSourceConfigError);
    expect(load([{ name: "hub", kind: "argocd", url: "https://a" }, { name: "hub", kind: "argocd", url: "https://b" }])).toThrow(/liveSources\[1\] \("hub"\): name is already used/);
    expect(() => loadLiveSourcesConfig({ env: { FERRY_LIVE_SOURCES: "{" }, cwd: dirWith({}) })).toThrow(/FERRY_LIVE_SOURCES is not valid JSON/);
  });

  it("reads Kubernetes sources: a kubeconfig file, the service account, a URL with a token, or a kubeconfig from the environment", () => {
    const cwd = dirWith({ kubeconfig: "apiVersion: v1\nkind: Config\n" });
    const load = (sources: unknown[], env: Record<string, string> = {}) => loadLiveSourcesConfig({ env: { FERRY_LIVE_SOURCES: JSON.stringify(sources), ...env }, cwd });
    expect(load([{ name: "prod-eu", kind: "kubernetes", kubeconfig: "/etc/ferry/kubeconfig", context: "prod-eu" }])).toEqual([
      { name: "prod-eu", kind: "kubernetes", kubeconfig: "/etc/ferry/kubeconfig", context: "prod-eu", tokenEnv: "FERRY_LIVE_PROD_EU_TOKEN", token: undefined, kubeconfigEnv: "FERRY_LIVE_PROD_EU_KUBECONFIG", kubeconfigText: undefined, cluster: "prod-eu" },
    ]);
    expect(load([{ name: "here", kind: "kubernetes", inCluster: true, cluster: "production" }])[0]).toMatchObject({ inCluster: true, cluster: "production" });
    expect(load([{ name: "lab", kind: "kubernetes", url: "https://kube.lab:6443/" }], { FERRY_LIVE_LAB_TOKEN: "sa-token" })[0]).toMatchObject({ url: "https://kube.lab:6443", token: "sa-token" });
    expect(load([{ name: "lab", kind: "kubernetes" }], { FERRY_LIVE_LAB_KUBECONFIG_FILE: path.join(cwd, "kubeconfig") })[0]).toMatchObject({ kubeconfigText: "apiVersion: v1\nkind: Config" });
    expect(() => load([{ name: "lab", kind: "kubernetes" }])).toThrow(/say how to reach the cluster: kubeconfig \(a file\), inCluster: true/);
    expect(() => load([{ name: "lab", kind: "kubernetes", inCluster: true, url: "https://k" }])).toThrow(/give one way to reach the cluster, not inCluster and url/);
    expect(() => load([{ name: "lab", kind: "kubernetes", inCluster: true, token: "inline" }])).toThrow(LiveSourceConfigError);
  });

  it("names the default token variable after the source", () => {
    expect(defaultTokenEnv("prod-eu-1")).toBe("FERRY_LIVE_PROD_EU_1_TOKEN");
  });
});
