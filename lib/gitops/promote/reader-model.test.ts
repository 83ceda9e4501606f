import { changeImpact } from "../impact";
import { describe, expect, it } from "vitest";
import { readRepository } from "../read";
import { loadFixture } from "../testing/load-fixture";
import type { Deployment } from "../model";
import { planPromotion } from "./plan";
import { BASE, changedLines, fixtureTree } from "./test-helpers";

// The same promotions as the hand-built tests, on the reader's model: the planner must agree with the
// reader on where each field lives.
function cells(fixture: string, app: string, from: string, to: string): { tree: Map<string, string>; source: Deployment; target: Deployment } {
  const tree = fixtureTree(fixture);
  const model = readRepository(tree);
  const find = (env: string) => {
    const d = model.deployments.find((x) => x.app === app && x.env === env);
    if (!d) throw new Error(`reader found no ${app}/${env} in ${fixture}: ${JSON.stringify(model.deployments.map((x) => `${x.app}/${x.env}`))}`);
    return d;
  };
  return { tree, source: find(from), target: find(to) };
}

const a = `sha256:${"a".repeat(64)}`;
const b = `sha256:${"b".repeat(64)}`;

const cases: { fixture: string; app: string; from: string; to: string; lines: string[] }[] = [
  {
    fixture: "kustomize-images",
    app: "checkout",
    from: "staging",
    to: "production",
    lines: ['-    newTag: "1.2.3" # {"$imagepolicy": "flux-system:checkout:tag"}', '+    newTag: "1.3.0" # {"$imagepolicy": "flux-system:checkout:tag"}'],
  },
  { fixture: "kustomize-digest", app: "checkout", from: "staging", to: "production", lines: [`-  digest: '${a}'`, `+  digest: '${b}'`] },
  { fixture: "shared-base", app: "checkout", from: "staging", to: "production", lines: ["+images:", "+  - name: ghcr.io/acme/checkout", "+    newTag: 1.3.0"] },
  {
    fixture: "image-patch",
    app: "billing",
    from: "staging",
    to: "prod-eu",
    lines: ["-        image: docker.io/kostiscodefresh/simple-env-app:2.0", "+        image: docker.io/kostiscodefresh/simple-env-app:3.0"],
  },
  {
    fixture: "helmrelease",
    app: "podinfo",
    from: "staging",
    to: "production",
    lines: ['-      version: "6.4.0" # pinned after incident 42\r', '+      version: "6.5.4" # pinned after incident 42\r'],
  },
  {
    fixture: "plain-containers",
    app: "web",
    from: "staging",
    to: "production",
    lines: [
      `-          image: 'registry.acme.io/web/frontend:2.0.4' # {"$imagepolicy": "flux-system:web"}`,
      `+          image: 'registry.acme.io/web/frontend:2.1.0' # {"$imagepolicy": "flux-system:web"}`,
    ],
  },
  { fixture: "argocd", app: "podinfo", from: "staging", to: "production", lines: ["-      targetRevision: 6.3.0", "+      targetRevision: 6.5.4"] },
];

describe("version promotion on the reader's model", () => {
  for (const c of cases) {
    it(`${c.fixture}: ${c.app} ${c.from} → ${c.to}`, () => {
      const { tree, source, target } = cells(c.fixture, c.app, c.from, c.to);
      const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });
      expect(plan.status).toBe("changes");
      if (plan.status === "changes") expect(changedLines(plan.changeSet.diff)).toEqual(c.lines);
    });
  }

  it("folder fixture: version mode touches only the tag", () => {
    const { tree, source, target } = cells("folder", "shop", "staging", "production");
    const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });
    expect(plan.status === "changes" && changedLines(plan.changeSet.diff)).toEqual([
      '-    newTag: 1.9.0 # {"$imagepolicy": "flux-system:shop:tag"}',
      '+    newTag: 2.0.0 # {"$imagepolicy": "flux-system:shop:tag"}',
    ]);
  });

  it("an ApplicationSet-rendered version is edited where the generator reads it, and the impact names every environment that file feeds", () => {
    const tree = new Map(loadFixture("appset-matrix-platform"));
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "cert-manager" && d.env === env);
    const [source, target] = [cell("dev"), cell("staging")];
    expect(source?.versions[0]?.value).toBe("v1.15.1");
    expect(target?.versions[0]).toMatchObject({ value: "v1.14.4", file: "cluster-addons/cert-manager/addon.yaml" });
    if (!source || !target) return;
    const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    // Not the template (shared by every generated app), but the files generator's addon.yaml, which every
    // cluster without an override of its own reads: staging and both production clusters move.
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["cluster-addons/cert-manager/addon.yaml"]);
    expect(changeImpact(tree, model, plan.changeSet).map((i) => i.env).sort()).toEqual(["prod-eu", "prod-us", "staging"]);
  });
});
