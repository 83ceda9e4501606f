import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { FileTree } from "../../model";
import { readRepository } from "..";
import { applyJsonPatch, type JsonPatchOp } from "./json6902";

const KUBECTL = "/usr/bin/kubectl";
const hasKubectl = existsSync(KUBECTL);

const deployment = (labels?: Record<string, string>) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "app", ...(labels ? { labels } : {}) },
  spec: { template: { spec: { containers: [{ name: "app", image: "ghcr.io/org/app:1.0.0" }] } } },
});

interface Case {
  title: string;
  ops: JsonPatchOp[];
  /** What kustomize does, written down so the rule holds where kubectl is missing too. */
  fails: boolean;
  labels?: Record<string, string>;
}

const cases: Case[] = [
  { title: "replace of a missing key sets it", ops: [{ op: "replace", path: "/spec/template/spec/containers/0/resources", value: { requests: { cpu: "250m" } } }], fails: false },
  { title: "replace of a present key", ops: [{ op: "replace", path: "/spec/template/spec/containers/0/name", value: "web" }], fails: false },
  { title: "replace under a missing parent fails", ops: [{ op: "replace", path: "/spec/nope/deeper", value: 1 }], fails: true },
  { title: "replace past the end of a list fails", ops: [{ op: "replace", path: "/spec/template/spec/containers/1", value: { name: "x" } }], fails: true },
  { title: "replace of `-` fails", ops: [{ op: "replace", path: "/spec/template/spec/containers/-", value: { name: "x" } }], fails: true },
  { title: "add a label where metadata.labels exists", ops: [{ op: "add", path: "/metadata/labels/tier", value: "web" }], labels: { group: "app" }, fails: false },
  { title: "add a label without metadata.labels fails", ops: [{ op: "add", path: "/metadata/labels/tier", value: "web" }], fails: true },
  { title: "add under a missing parent fails", ops: [{ op: "add", path: "/spec/nope/deeper", value: 1 }], fails: true },
  { title: "add appends with `-`", ops: [{ op: "add", path: "/spec/template/spec/containers/-", value: { name: "x", image: "busybox:1.36" } }], fails: false },
  { title: "add past the end of a list fails", ops: [{ op: "add", path: "/spec/template/spec/containers/3", value: { name: "x" } }], fails: true },
  { title: "remove of a missing key fails", ops: [{ op: "remove", path: "/spec/nope" }], fails: true },
  { title: "copy from a missing key copies null", ops: [{ op: "copy", from: "/spec/nope", path: "/spec/x" }], fails: false },
  { title: "copy from under a missing parent fails", ops: [{ op: "copy", from: "/spec/nope/deeper", path: "/spec/x" }], fails: true },
  { title: "move from a missing key fails", ops: [{ op: "move", from: "/spec/nope", path: "/spec/x" }], fails: true },
  { title: "move a present key", ops: [{ op: "move", from: "/spec/template/spec/containers/0/image", path: "/spec/x" }], fails: false },
  { title: "a failing test op fails", ops: [{ op: "test", path: "/spec/template/spec/containers/0/name", value: "zzz" }], fails: true },
];

function ferry(c: Case): { obj: Record<string, unknown>; errors: string[] } {
  const obj = deployment(c.labels) as Record<string, unknown>;
  return { obj, errors: applyJsonPatch(obj, c.ops) };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "ferry-json6902-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function kustomize(c: Case, i: number): { obj?: unknown; failed: boolean } {
  const dir = path.join(tmp, String(i));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "deployment.yaml"), stringify(deployment(c.labels)));
  writeFileSync(path.join(dir, "kustomization.yaml"), stringify({ resources: ["deployment.yaml"], patches: [{ patch: JSON.stringify(c.ops), target: { kind: "Deployment" } }] }));
  try {
    return { obj: parse(execFileSync(KUBECTL, ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 })), failed: false };
  } catch {
    return { failed: true };
  }
}

describe("JSON 6902 patches as kustomize applies them", () => {
  cases.forEach((c, i) => {
    it(c.title, () => {
      const ours = ferry(c);
      expect(ours.errors.length > 0).toBe(c.fails);
      if (!hasKubectl) return;
      const theirs = kustomize(c, i);
      expect(theirs.failed).toBe(c.fails);
      if (!c.fails) expect(ours.obj).toEqual(theirs.obj);
    });
  });

  it("an overlay's replace of a missing field is no error on the cell", () => {
    const tree: FileTree = new Map([
      ["app/base/kustomization.yaml", "resources:\n- deployment.yaml\n"],
      ["app/base/deployment.yaml", stringify(deployment({ app: "app" }))],
      [
        "app/overlays/prod/kustomization.yaml",
        "resources:\n- ../../base\nimages:\n- name: ghcr.io/org/app\n  newTag: 1.4.2\npatches:\n- patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/0/resources\n      value: {requests: {cpu: 250m}}\n  target:\n    kind: Deployment\n- patch: |-\n    - op: replace\n      path: /spec/nope/deeper\n      value: 1\n  target:\n    kind: Deployment\n",
      ],
    ]);
    const prod = readRepository(tree).deployments.find((d) => d.env === "prod");
    expect(prod?.versions.map((v) => v.value)).toEqual(["1.4.2"]);
    // The second patch's parent is missing: kustomize fails on it, and so does the cell.
    expect(prod?.errors).toEqual([expect.stringContaining("patches[1] op 0 (replace /spec/nope/deeper)")]);
  });
});
