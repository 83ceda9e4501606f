import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { readRepository } from "../index";

const ks = (name: string, path: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const release = (name: string, version: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  chart:\n    spec:\n      chart: ${name}\n      version: "${version}"\n`;
const asset = (tag: string) => `https://github.com/example/gateway-crds/releases/download/${tag}/standard-install.yaml`;

function fleet(extra: Record<string, string> = {}): FileTree {
  const files: Record<string, string> = {
    "clusters/qa/flux-system/gotk-sync.yaml": ks("flux-system", "./clusters/qa"),
    "clusters/qa/platform.yaml": ks("platform", "./platform/qa"),
    "clusters/live/flux-system/gotk-sync.yaml": ks("flux-system", "./clusters/live"),
    "clusters/live/platform.yaml": ks("platform", "./platform/live"),
    "platform/shared/kustomization.yaml": "resources:\n  - gateway-crds\n  - proxy\n",
    "platform/shared/gateway-crds/kustomization.yaml": `resources:\n  - ${asset("v1.1.0")}\n`,
    "platform/shared/proxy/kustomization.yaml": "resources:\n  - release.yaml\n",
    "platform/shared/proxy/release.yaml": release("proxy", "2.4.0"),
    "platform/qa/kustomization.yaml": "resources:\n  - ../shared\n",
    "platform/live/kustomization.yaml": "resources:\n  - ../shared\n",
    ...extra,
  };
  return new Map(Object.entries(files));
}

describe("a remote a Flux Kustomization applies through a folder of app folders", () => {
  it("is the app of the folder whose kustomization lists it, with its field named as a release tag", () => {
    const model = readRepository(fleet());
    expect(model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.value}:${v.file}:${v.field}`).join(",")}`).sort()).toEqual([
      "gateway-crds@live=v1.1.0:platform/shared/gateway-crds/kustomization.yaml:resources[0] (release tag) (inherited from platform/shared/gateway-crds)",
      "gateway-crds@qa=v1.1.0:platform/shared/gateway-crds/kustomization.yaml:resources[0] (release tag) (inherited from platform/shared/gateway-crds)",
      "proxy@live=2.4.0:platform/shared/proxy/release.yaml:spec.chart.spec.version (inherited from platform/shared/proxy)",
      "proxy@qa=2.4.0:platform/shared/proxy/release.yaml:spec.chart.spec.version (inherited from platform/shared/proxy)",
    ]);
  });

  it("stays with the app whose own base declares it", () => {
    const model = readRepository(
      new Map([
        ["clusters/qa/flux-system/gotk-sync.yaml", ks("flux-system", "./clusters/qa")],
        ["clusters/qa/crds.yaml", ks("crds", "./crds/overlays/qa")],
        ["crds/base/kustomization.yaml", `resources:\n  - ${asset("v1.1.0")}\n`],
        ["crds/overlays/qa/kustomization.yaml", "resources:\n  - ../../base\n"],
      ]),
    );
    expect(model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`)).toEqual(["crds@qa=v1.1.0"]);
  });

  it("is promoted where it is declared: each env's own folder for it is edited there", () => {
    const own = (tag: string) => `resources:\n  - ${asset(tag)}\n`;
    const tree = fleet({
      "platform/shared/kustomization.yaml": "resources:\n  - proxy\n",
      "platform/qa/kustomization.yaml": "resources:\n  - ../shared\n  - gateway-crds\n",
      "platform/qa/gateway-crds/kustomization.yaml": own("v1.2.0"),
      "platform/live/kustomization.yaml": "resources:\n  - ../shared\n  - gateway-crds\n",
      "platform/live/gateway-crds/kustomization.yaml": own("v1.1.0"),
    });
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "gateway-crds" && d.env === env)!;
    expect([cell("qa").versions[0]?.value, cell("live").versions[0]?.value]).toEqual(["v1.2.0", "v1.1.0"]);
    const plan = planPromotion({ tree, source: cell("qa"), target: cell("live"), mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["platform/live/gateway-crds/kustomization.yaml", own("v1.2.0")]]);
  });
});
