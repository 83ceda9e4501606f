import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { readRepository } from "../read";
import { splitRemote, withRemoteRef } from "../read/kustomize/kustomization";
import { planPromotion } from "./plan";

// A kustomize remote resource is pinned by the revision inside its URL: `?ref=` (or `?version=`) on a git
// URL, the tag segment of a GitHub release asset (`…/releases/download/v1.6.1/crds.yaml`), or the ref segment
// of a raw file URL (`raw.githubusercontent.com/<owner>/<repo>/<ref>/…`). Promoting it moves that revision and
// nothing else of the entry.

const base: [string, string][] = [
  ["apps/x/base/kustomization.yaml", "resources:\n  - deployment.yaml\n"],
  ["apps/x/base/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          image: ghcr.io/acme/x:1.0.0\n"],
];
const overlay = (...remotes: string[]) => `resources:\n  - ../../base\n${remotes.map((r) => `  - ${r} # pinned by the platform team\n`).join("")}`;

function promote(tree: FileTree) {
  const model = readRepository(tree);
  const cell = (env: string) => model.deployments.find((d) => d.app === "x" && d.env === env)!;
  return { model, plan: planPromotion({ tree, source: cell("staging"), target: cell("production"), mode: "version", baseSha: "abc", repository: "r" }) };
}

describe("remote resource revisions", () => {
  it("reads ?ref= and release asset tags as pinned versions", () => {
    expect(splitRemote("https://github.com/acme/crds//config?ref=v1.2.0&timeout=90s")).toEqual({ url: "https://github.com/acme/crds//config", ref: "v1.2.0" });
    expect(splitRemote("https://github.com/cert-manager/cert-manager/releases/download/v1.6.1/cert-manager.crds.yaml")).toEqual({
      url: "https://github.com/cert-manager/cert-manager/releases/download/*/cert-manager.crds.yaml",
      ref: "v1.6.1",
    });
    expect(splitRemote("https://example.com/crds.yaml")).toEqual({ url: "https://example.com/crds.yaml", ref: null });
    expect(withRemoteRef("github.com/acme/crds//config?timeout=90s&ref=v1.1.0", "v1.2.0")).toBe("github.com/acme/crds//config?timeout=90s&ref=v1.2.0");
    expect(withRemoteRef("https://github.com/acme/crds//config", "v1.2.0")).toBeNull();
  });

  it("promotes a ?ref= and a release asset tag by moving only the revision, keeping the rest of each line", () => {
    const crds = (tag: string) => `https://github.com/cert-manager/cert-manager/releases/download/${tag}/cert-manager.crds.yaml`;
    const tree: FileTree = new Map([
      ...base,
      ["apps/x/overlays/staging/kustomization.yaml", overlay("https://github.com/acme/crds//config?ref=v1.2.0&timeout=90s", crds("v1.7.0"))],
      ["apps/x/overlays/production/kustomization.yaml", overlay("https://github.com/acme/crds//config?ref=v1.1.0&timeout=90s", crds("v1.6.1"))],
    ]);
    const { model, plan } = promote(tree);
    const prod = model.deployments.find((d) => d.env === "production")!;
    expect(prod.versions.filter((v) => v.kind === "git").map((v) => [v.name, v.value, v.floating])).toEqual([
      ["https://github.com/acme/crds//config", "v1.1.0", false],
      ["https://github.com/cert-manager/cert-manager/releases/download/*/cert-manager.crds.yaml", "v1.6.1", false],
    ]);
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([
      ["apps/x/overlays/production/kustomization.yaml", overlay("https://github.com/acme/crds//config?ref=v1.2.0&timeout=90s", crds("v1.7.0"))],
    ]);
  });

  it("refuses, naming the field, when the base moved the revision since it was read", () => {
    const tree: FileTree = new Map([
      ...base,
      ["apps/x/overlays/staging/kustomization.yaml", overlay("https://github.com/acme/crds//config?ref=v1.2.0")],
      ["apps/x/overlays/production/kustomization.yaml", overlay("https://github.com/acme/crds//config?ref=v1.1.0")],
    ]);
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "x" && d.env === env)!;
    const moved = new Map(tree).set("apps/x/overlays/production/kustomization.yaml", overlay("https://github.com/acme/crds//config?ref=v1.1.5"));
    const plan = planPromotion({ tree: moved, source: cell("staging"), target: cell("production"), mode: "version", baseSha: "abc", repository: "r" });
    expect(plan).toMatchObject({ status: "refused", reason: expect.stringContaining("is pinned to v1.1.5 at the base commit, not v1.1.0 as last read") });
  });

  it("reads the ref segment of raw file URLs; a branch floats, a tag pins", () => {
    expect(splitRemote("https://raw.githubusercontent.com/metallb/metallb/v0.14.3/config/manifests/metallb-native.yaml")).toEqual({
      url: "https://raw.githubusercontent.com/metallb/metallb/*/config/manifests/metallb-native.yaml",
      ref: "v0.14.3",
    });
    expect(splitRemote("https://raw.githubusercontent.com/acme/crds/refs/tags/2.1.0/crds.yaml")).toEqual({ url: "https://raw.githubusercontent.com/acme/crds/*/crds.yaml", ref: "2.1.0" });
    expect(splitRemote("https://raw.githubusercontent.com/acme/crds/refs/heads/release/crds.yaml")).toEqual({ url: "https://raw.githubusercontent.com/acme/crds/*/crds.yaml", ref: "refs/heads/release" });
    expect(splitRemote("https://github.com/acme/crds/raw/v3.0.1/deploy/crds.yaml")).toEqual({ url: "https://github.com/acme/crds/raw/*/deploy/crds.yaml", ref: "v3.0.1" });
    expect(splitRemote("https://gitlab.com/acme/platform/crds/-/raw/1.4.0/crds.yaml")).toEqual({ url: "https://gitlab.com/acme/platform/crds/-/raw/*/crds.yaml", ref: "1.4.0" });
    expect(withRemoteRef("https://raw.githubusercontent.com/acme/crds/refs/tags/2.1.0/crds.yaml", "2.2.0")).toBe("https://raw.githubusercontent.com/acme/crds/refs/tags/2.2.0/crds.yaml");

    const raw = (ref: string) => `https://raw.githubusercontent.com/acme/operator/${ref}/deploy/operator.yaml`;
    const tree: FileTree = new Map([
      ...base,
      ["apps/x/overlays/staging/kustomization.yaml", overlay(raw("main"))],
      ["apps/x/overlays/production/kustomization.yaml", overlay(raw("26.1.0"))],
    ]);
    const model = readRepository(tree);
    const git = (env: string) =>
      model.deployments.find((d) => d.app === "x" && d.env === env)!.versions.filter((v) => v.kind === "git").map((v) => [v.name, v.value, v.floating, v.field]);
    expect(git("production")).toEqual([["https://raw.githubusercontent.com/acme/operator/*/deploy/operator.yaml", "26.1.0", false, "resources[1] (path ref)"]]);
    expect(git("staging")).toEqual([["https://raw.githubusercontent.com/acme/operator/*/deploy/operator.yaml", "main", true, "resources[1] (path ref)"]]);
  });

  it("promotes a raw file ref by rewriting that segment only", () => {
    const raw = (ref: string) => `https://raw.githubusercontent.com/acme/operator/${ref}/deploy/operator.yaml`;
    const tree: FileTree = new Map([
      ...base,
      ["apps/x/overlays/staging/kustomization.yaml", overlay(raw("26.2.0"))],
      ["apps/x/overlays/production/kustomization.yaml", overlay(raw("26.1.0"))],
    ]);
    const { plan } = promote(tree);
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["apps/x/overlays/production/kustomization.yaml", overlay(raw("26.2.0"))]]);
  });
});
