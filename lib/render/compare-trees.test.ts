import { describe, expect, it } from "vitest";
import type { Deployment, RepoModel } from "@/lib/gitops/model";
import { compareFolder, foldersOf, type FolderRenderer } from "./compare-trees";
import { parseRendered } from "./manifests";

const cm = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${value}"\n`;
// Stands in for kustomize: the folder's one manifest file is its rendering.
const render: FolderRenderer = async (_side, tree, dir) => {
  const text = tree.get(`${dir}/all.yaml`);
  return text === undefined ? { ok: false, reason: `${dir} does not build`, transient: false } : { ok: true, resources: parseRendered(text), renderer: "test" };
};
const folder = (dir: string, text: string | null): [string, string][] => (text === null ? [] : [[`${dir}/kustomization.yaml`, "resources: [all.yaml]\n"], [`${dir}/all.yaml`, text]]);

describe("compareFolder", () => {
  it("compares the folder's rendering before and after", async () => {
    const outcome = await compareFolder(new Map(folder("env/dev", cm("a", "1"))), new Map(folder("env/dev", cm("a", "2"))), "env/dev", render);
    expect(outcome).toMatchObject({ ok: true, renderer: "test", diff: { unchanged: 0, changed: [{ key: "ConfigMap/a", status: "changed" }] } });
  });

  it("renders a folder the change creates as all added", async () => {
    const outcome = await compareFolder(new Map(), new Map(folder("env/new", cm("a", "1"))), "env/new", render);
    expect(outcome).toMatchObject({ ok: true, diff: { changed: [{ key: "ConfigMap/a", status: "added" }] } });
  });

  it("says which side did not build", async () => {
    const before = new Map(folder("env/dev", cm("a", "1")));
    const after = new Map([["env/dev/kustomization.yaml", "resources: [all.yaml]\n"]]);
    expect(await compareFolder(before, after, "env/dev", render)).toEqual({ ok: false, reason: "After the change: env/dev does not build" });
  });
});

describe("foldersOf", () => {
  const d = (app: string, env: string, path: string) => ({ app, env, path }) as Deployment;
  const model = (deployments: Deployment[]) => ({ deployments }) as RepoModel;

  it("groups the altered cells by their environment folder, new cells from the model after", () => {
    const before = model([d("a", "dev", "envs/dev"), d("b", "dev", "envs/dev"), d("a", "prod", "apps/a/prod")]);
    const after = model([d("c", "dev", "apps/c/dev")]);
    expect(foldersOf([{ app: "b", env: "dev" }, { app: "a", env: "dev" }, { app: "c", env: "dev" }], before, after)).toEqual([
      { path: "apps/c/dev", cells: ["c/dev"] },
      { path: "envs/dev", cells: ["a/dev", "b/dev"] },
    ]);
  });
});
