import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { listFixtures, loadFixture } from "../../testing/load-fixture";
import { createParseCache, KustomizeBuildCache, readRepository } from "../index";

// A read that reuses the previous read's kustomize builds must give exactly the model a read from
// scratch gives, whatever changed in between. Each fixture is read once with a cache, then every
// file in turn is edited (a version bump, a comment, a deletion, a new overlay resource) and the
// cached read is compared with an uncached one.

const sha = (content: string) => createHash("sha1").update(content).digest("hex");

function readWithCache(tree: FileTree, cache: KustomizeBuildCache, rootAppName: string) {
  const keys = new Map([...tree].map(([p, c]) => [p, sha(c)]));
  return readRepository(tree, { rootAppName, buildCache: cache, parseCache: createParseCache(), contentKey: (p) => keys.get(p) });
}

type Tree = Map<string, string>;
type Edit = { name: string; apply: (tree: Tree, path: string) => boolean };

const EDITS: Edit[] = [
  {
    name: "bump a version",
    apply: (tree, path) => {
      const content = tree.get(path) ?? "";
      const bumped = content.replace(/(newTag:\s*"?|image:\s*\S+:|version:\s*"?|targetRevision:\s*"?)(v?\d+\.\d+\.\d+)/, "$19.9.9");
      if (bumped === content) return false;
      tree.set(path, bumped);
      return true;
    },
  },
  { name: "touch a comment", apply: (tree, path) => (tree.set(path, `${tree.get(path) ?? ""}\n# touched\n`), true) },
  { name: "delete the file", apply: (tree, path) => tree.delete(path) },
  {
    name: "add a resource to a kustomization",
    apply: (tree, path) => {
      const content = tree.get(path) ?? "";
      if (!/kustomization\.ya?ml$/i.test(path) || !/^resources:\s*\n/m.test(content)) return false;
      const dir = path.slice(0, path.lastIndexOf("/") + 1);
      tree.set(path, content.replace(/^resources:\s*\n/m, "resources:\n  - extra-ferry-test.yaml\n"));
      tree.set(`${dir}extra-ferry-test.yaml`, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: extra}\nspec:\n  template:\n    spec:\n      containers: [{name: extra, image: ghcr.io/acme/extra:1.2.3}]\n");
      return true;
    },
  },
  {
    name: "add a kustomization next to it",
    apply: (tree, path) => {
      const file = `${path.slice(0, path.lastIndexOf("/") + 1)}kustomization.yaml`;
      if (tree.has(file)) return false;
      tree.set(file, "resources: []\n");
      return true;
    },
  },
  {
    name: "break the YAML",
    apply: (tree, path) => (tree.set(path, `${tree.get(path) ?? ""}\n  : [unclosed\n`), true),
  },
];

function cache0Builds(tree: FileTree, fixture: string): number {
  const cache = new KustomizeBuildCache();
  readWithCache(tree, cache, fixture);
  return cache.lastRead.built;
}

describe("KustomizeBuildCache", () => {
  for (const fixture of listFixtures()) {
    it(`a cached re-read equals a fresh read after any one-file edit: ${fixture}`, () => {
      const original = loadFixture(fixture);
      const yamlPaths = [...original.keys()].filter((p) => /(\.ya?ml|Kustomization)$/.test(p));
      let compared = 0;
      let reused = 0;
      for (const edit of EDITS) {
        for (const path of yamlPaths) {
          const cache = new KustomizeBuildCache();
          readWithCache(original, cache, fixture);
          const edited = new Map(original);
          if (!edit.apply(edited, path)) continue;
          const cached = readWithCache(edited, cache, fixture);
          const fresh = readRepository(edited, { rootAppName: fixture });
          expect(fresh.errors.filter((e) => e.message.startsWith("internal reader error"))).toEqual([]);
          expect(cached, `${edit.name} in ${path}`).toEqual(fresh);
          compared++;
          reused += cache.lastRead.reused;
        }
      }
      expect(compared).toBeGreaterThan(0);
      // Fixtures without kustomize builds have nothing to reuse; the others must have reused some.
      if (cache0Builds(original, fixture) > 0) expect(reused).toBeGreaterThan(0);
    });
  }

  it("reuses unchanged overlays and rebuilds only what a commit touched", () => {
    const tree: Tree = new Map([["apps/shared/base/kustomization.yaml", "resources: [deployment.yaml]\n"]]);
    tree.set("apps/shared/base/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shared}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: ghcr.io/acme/shared:1.0.0}]\n");
    for (const app of ["a", "b", "c"]) {
      tree.set(`apps/${app}/base/kustomization.yaml`, "resources: [deployment.yaml]\n");
      tree.set(`apps/${app}/base/deployment.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${app}}\nspec:\n  template:\n    spec:\n      containers: [{name: ${app}, image: ghcr.io/acme/${app}:1.0.0}]\n`);
      for (const env of ["dev", "prod"]) {
        tree.set(`apps/${app}/overlays/${env}/kustomization.yaml`, `resources: [../../base]\nimages:\n  - name: ghcr.io/acme/${app}\n    newTag: 1.0.0\n`);
      }
    }
    const cache = new KustomizeBuildCache();
    readWithCache(tree, cache, "r");
    expect(cache.lastRead).toEqual({ reused: 0, built: 9 });

    // Nothing changed: every build (6 overlays, 3 bases) comes from the cache.
    readWithCache(tree, cache, "r");
    expect(cache.lastRead).toEqual({ reused: 9, built: 0 });

    // One overlay bumped: that overlay is rebuilt; its base and the other overlays are reused.
    tree.set("apps/b/overlays/prod/kustomization.yaml", "resources: [../../base]\nimages:\n  - name: ghcr.io/acme/b\n    newTag: 1.1.0\n");
    const model = readWithCache(tree, cache, "r");
    expect(cache.lastRead).toEqual({ reused: 8, built: 1 });
    const cell = model.deployments.find((d) => d.app === "b" && d.env === "prod");
    expect(cell?.versions.map((v) => v.value)).toEqual(["1.1.0"]);

    // A base changed: both overlays built on it are rebuilt, the others are reused.
    tree.set("apps/a/base/deployment.yaml", (tree.get("apps/a/base/deployment.yaml") ?? "").replace(":1.0.0", ":1.0.1"));
    const rebased = readWithCache(tree, cache, "r");
    expect(cache.lastRead).toEqual({ reused: 6, built: 3 });
    expect(rebased).toEqual(readRepository(tree, { rootAppName: "r" }));
  });

  it("notices a file becoming a chart template (a Chart.yaml appears above it) though its content is unchanged", () => {
    const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: ghcr.io/acme/a:1.0.0}]\n";
    const tree: Tree = new Map([
      ["apps/a/base/kustomization.yaml", "resources: [templates/deployment.yaml]\n"],
      ["apps/a/base/templates/deployment.yaml", deployment],
      ["apps/a/overlays/dev/kustomization.yaml", "resources: [../../base]\n"],
    ]);
    const cache = new KustomizeBuildCache();
    readWithCache(tree, cache, "r");
    tree.set("apps/a/base/Chart.yaml", "apiVersion: v2\nname: a\nversion: 0.1.0\n");
    const cached = readWithCache(tree, cache, "r");
    expect(cached).toEqual(readRepository(tree, { rootAppName: "r" }));
  });

  it("is not used without content keys (nothing to recognise unchanged inputs by)", () => {
    const tree = loadFixture("cloudogu-basic");
    const cache = new KustomizeBuildCache();
    readRepository(tree, { buildCache: cache });
    expect(cache.size).toBe(0);
  });
});
