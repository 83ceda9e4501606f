import { describe, expect, it } from "vitest";
import { isFloatingChartVersion, isFloatingGitRevision, isFloatingImageTag, isSemverRange } from "./floating";
import { orderEnvironments, stageOf } from "./env-order";
import { parseImageRef } from "../image-ref";
import { strategicMerge } from "./kustomize/strategic-merge";
import { applyJsonPatch } from "./kustomize/json6902";
import { joinInRepo } from "./paths";
import { envFromName } from "./argocd";
import { renderTemplateString, pathParams } from "./argocd-template";

describe("floating", () => {
  it.each(["*", ">=1.0.0", "6.x", "~1.2", "^2.0.0", "1.2.*", ">=1 <2", "1.0 - 2.0", "x"])("%s is a range", (v) => expect(isSemverRange(v)).toBe(true));
  it.each(["1.2.3", "v1.2", "6.5.4", "2024.06.1"])("%s pins", (v) => expect(isSemverRange(v)).toBe(false));
  it("images float without tag, on latest, not with a digest", () => {
    expect(isFloatingImageTag(null)).toBe(true);
    expect(isFloatingImageTag("latest")).toBe(true);
    expect(isFloatingImageTag(null, "sha256:abc")).toBe(false);
    expect(isFloatingImageTag("1.0")).toBe(false);
  });
  it("images float on tags CI moves every build: latest as a word of the tag, or a branch name", () => {
    for (const t of ["prod-latest", "dev-latest", "latest-alpine", "main", "develop", "devel", "edge", "nightly"]) expect(isFloatingImageTag(t), t).toBe(true);
    for (const t of ["sha-8d72d86", "20241002-3f1c2ab", "v1.2.3", "1.25-alpine", "mainline-1.2", "greatest"]) expect(isFloatingImageTag(t), t).toBe(false);
    expect(isFloatingImageTag("main", "sha256:abc")).toBe(false);
  });
  it("git revisions float on branches and HEAD", () => {
    for (const r of ["main", "HEAD", "master", "refs/heads/x", null]) expect(isFloatingGitRevision(r)).toBe(true);
    for (const r of ["v1.2.3", "0a1b2c3d"]) expect(isFloatingGitRevision(r)).toBe(false);
  });
  it("charts float without version", () => expect(isFloatingChartVersion(undefined)).toBe(true));
});

describe("environment order", () => {
  it("ranks by stage, regions are siblings", () => {
    const envs = orderEnvironments(["prod-us", "qa", "staging-eu", "dev", "prod-eu", "staging-us", "int"], []);
    expect(envs.map((e) => `${e.name}:${e.order}`)).toEqual(["dev:0", "qa:1", "int:2", "staging-eu:3", "staging-us:3", "prod-eu:4", "prod-us:4"]);
  });
  it("config order wins and marks protected envs", () => {
    const envs = orderEnvironments(["prod", "canary"], [{ name: "canary", protected: false }, { name: "prod", protected: true }]);
    expect(envs).toEqual([{ name: "canary", order: 0 }, { name: "prod", order: 1, protected: true }]);
  });
  it("knows stage names and rejects look-alikes", () => {
    expect(stageOf("preprod")).toBe("preprod");
    expect(stageOf("staging-us-east-1")).toBe("staging");
    expect(stageOf("test-project")).toBeUndefined();
    expect(stageOf("frontend")).toBeUndefined();
  });
});

describe("image refs", () => {
  it("keeps a registry port out of the tag", () => {
    expect(parseImageRef("registry:5000/app")).toEqual({ name: "registry:5000/app", tag: null, digest: null });
    expect(parseImageRef("registry:5000/app:1.2@sha256:ab")).toEqual({ name: "registry:5000/app", tag: "1.2", digest: "sha256:ab" });
  });
});

describe("strategic merge", () => {
  it("merges containers by name, not index, and deletes on null", () => {
    const base = { spec: { containers: [{ name: "a", image: "a:1" }, { name: "b", image: "b:1", env: [{ name: "X", value: "1" }] }], replicas: 2 } };
    const merged = strategicMerge(base, { spec: { containers: [{ name: "b", image: "b:2" }], replicas: null } });
    expect(merged).toEqual({ spec: { containers: [{ name: "a", image: "a:1" }, { name: "b", image: "b:2", env: [{ name: "X", value: "1" }] }] } });
  });
  it("honours $patch: delete on a list item", () => {
    expect(strategicMerge({ c: { containers: [{ name: "a" }, { name: "b" }] } }, { c: { containers: [{ name: "a", $patch: "delete" }] } })).toEqual({ c: { containers: [{ name: "b" }] } });
  });
});

describe("json 6902", () => {
  it("applies add/replace/remove and reports failures without throwing", () => {
    const doc: Record<string, unknown> = { a: { b: [1, 2] } };
    const errs = applyJsonPatch(doc, [
      { op: "replace", path: "/a/b/0", value: 9 },
      { op: "add", path: "/a/b/-", value: 3 },
      { op: "remove", path: "/a/nope" },
    ]);
    expect(doc).toEqual({ a: { b: [9, 2, 3] } });
    expect(errs).toHaveLength(1);
  });
});

describe("paths", () => {
  it("refuses escapes from the root", () => {
    expect(joinInRepo("apps/x", "../../..")).toBeNull();
    expect(joinInRepo("apps/x/overlays/dev", "../../base")).toBe("apps/x/base");
  });
});

describe("argo cd names and templates", () => {
  it("derives env from a name suffix or an autopilot prefix", () => {
    expect(envFromName("my-app-staging", [])).toEqual({ app: "my-app", env: "staging" });
    expect(envFromName("checkout-prod-eu", [])).toEqual({ app: "checkout", env: "prod-eu" });
    expect(envFromName("staging-my-app", [])).toEqual({ app: "my-app", env: "staging" });
    expect(envFromName("frontend", [])).toBeUndefined();
    // The tenant layout `<tenant>-<env>-<app>`: the stage word inside, the app after it.
    expect(envFromName("gabbar-dev-stakater-nordmart-review-ui", [])).toEqual({ app: "stakater-nordmart-review-ui", env: "dev" });
    expect(envFromName("team-prod-web", [])).toEqual({ app: "web", env: "prod" });
    // A region after the stage is still the env's own variant.
    expect(envFromName("checkout-prod-us-east-1", [])).toEqual({ app: "checkout", env: "prod-us-east-1" });
    expect(envFromName("nonprod-web", [])).toEqual({ app: "web", env: "nonprod" });
  });
  it("renders fasttemplate and Go template path params", () => {
    const p = pathParams("apps/billing/envs/staging");
    const unresolved: string[] = [];
    expect(renderTemplateString("{{path[1]}}-{{path.basename}} {{index .path.segments 3}} {{.path.path}} {{nope}}", p, unresolved)).toBe(
      "billing-staging staging apps/billing/envs/staging {{nope}}",
    );
    expect(unresolved).toEqual(["{{nope}}"]);
  });
});
