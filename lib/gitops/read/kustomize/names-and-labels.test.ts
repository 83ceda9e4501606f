import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { readerImages, renderedImages } from "../../testing/compare-images";
import { readRepository } from "..";

// A base's namePrefix/nameSuffix and labels are applied before an including overlay's patches select
// resources: a patch may target the prefixed name or a label only the base's kustomization adds.

const KUBECTL = "/usr/bin/kubectl";
const hasKubectl = existsSync(KUBECTL);

const DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.0\n";
const jsonPatch = (tag: string) => `    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: nginx:${tag}\n`;
const strategicPatch = (name: string, tag: string, indent = "    ") =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:${tag}\n`
    .split("\n")
    .map((l) => (l ? indent + l : l))
    .join("\n");

interface Case {
  title: string;
  base: string;
  overlay: string;
  /** What `kubectl kustomize` renders, written down so the rule holds where kubectl is missing too. */
  image: string;
}

const cases: Case[] = [
  { title: "a JSON 6902 patch selects by a label the base's commonLabels adds", base: "commonLabels:\n  team: web\n", overlay: `patches:\n  - target:\n      labelSelector: team=web\n${jsonPatch("2.0")}`, image: "nginx:2.0" },
  {
    title: "a strategic-merge patch selects by a label the base's labels[].pairs adds",
    base: "labels:\n  - pairs:\n      team: web\n",
    overlay: `patches:\n  - target:\n      kind: Deployment\n      labelSelector: team=web\n    patch: |-\n${strategicPatch("anything", "3.0", "      ")}`,
    image: "nginx:3.0",
  },
  { title: "a patch targets the name the base's namePrefix gave", base: "namePrefix: shop-\n", overlay: `patches:\n  - target:\n      name: shop-web\n${jsonPatch("2.0")}`, image: "nginx:2.0" },
  { title: "a patch still targets the written name under a base's namePrefix", base: "namePrefix: shop-\n", overlay: `patches:\n  - target:\n      name: web\n${jsonPatch("2.1")}`, image: "nginx:2.1" },
  { title: "a patchesStrategicMerge entry names the resource by the base's nameSuffix", base: "nameSuffix: -v1\n", overlay: `patchesStrategicMerge:\n  - |-\n${strategicPatch("web-v1", "4.0")}`, image: "nginx:4.0" },
  { title: "a label selector does not match a name-prefixed base's labels it lacks", base: "namePrefix: shop-\ncommonLabels:\n  team: web\n", overlay: `patches:\n  - target:\n      labelSelector: team=api\n${jsonPatch("2.0")}`, image: "nginx:1.0" },
  {
    title: "patchesJson6902 runs after the same kustomization's namePrefix",
    base: "",
    overlay: `namePrefix: prod-\npatchesJson6902:\n  - target:\n      group: apps\n      version: v1\n      kind: Deployment\n      name: prod-web\n${jsonPatch("5.0")}`,
    image: "nginx:5.0",
  },
  { title: "patches run before the same kustomization's commonLabels", base: "", overlay: `commonLabels:\n  team: web\npatches:\n  - target:\n      labelSelector: team=web\n${jsonPatch("2.0")}`, image: "nginx:1.0" },
  { title: "a selector by commonAnnotations of the base", base: "commonAnnotations:\n  owner: shop\n", overlay: `patches:\n  - target:\n      annotationSelector: owner=shop\n${jsonPatch("6.0")}`, image: "nginx:6.0" },
];

const files = (c: Case): [string, string][] => [
  ["app/base/deployment.yaml", DEPLOYMENT],
  ["app/base/kustomization.yaml", `resources:\n  - deployment.yaml\n${c.base}`],
  ["app/overlays/prod/kustomization.yaml", `resources:\n  - ../../base\n${c.overlay}`],
];

const tmp = mkdtempSync(path.join(os.tmpdir(), "ferry-names-labels-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function kubectlImages(c: Case, i: number): string[] {
  const root = path.join(tmp, String(i));
  for (const [file, text] of files(c)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return renderedImages(execFileSync(KUBECTL, ["kustomize", path.join(root, "app/overlays/prod")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 }));
}

describe("kustomize names and labels before an overlay's patches", () => {
  cases.forEach((c, i) => {
    it(c.title, () => {
      const model = readRepository(new Map(files(c)) as FileTree);
      const prod = model.deployments.filter((d) => d.env === "prod");
      expect(prod.flatMap((d) => d.errors)).toEqual([]);
      const ours = readerImages(prod);
      expect(ours).toEqual([c.image]);
    });
    if (hasKubectl) it(`${c.title}: as kubectl kustomize renders it`, () => expect(kubectlImages(c, i)).toEqual([c.image]));
    else it.skip(`${c.title}: as kubectl kustomize renders it (skipped: ${KUBECTL} is missing)`, () => {});
  });

  it("locates the tag a patch set, selecting by the prefixed name and a base label, in the overlay", () => {
    const c = cases[5];
    if (!c) throw new Error("case missing");
    const model = readRepository(new Map(files({ ...c, overlay: `patches:\n  - target:\n      name: shop-web\n      labelSelector: team=web\n${jsonPatch("7.0")}` })) as FileTree);
    const version = model.deployments.find((d) => d.env === "prod")?.versions.find((v) => v.kind === "image");
    expect(version).toMatchObject({ value: "7.0", file: "app/overlays/prod/kustomization.yaml" });
  });
});
