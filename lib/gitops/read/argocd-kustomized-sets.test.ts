import { describe, expect, it } from "vitest";
import { readRepository } from "./index";

// A fleet where every cluster runs its own Argo CD: one ApplicationSet written once with a placeholder
// cluster, and per cluster a kustomize overlay that includes it and points its generator at that
// cluster's definition. The definition names a platform version; the version file pins what each
// component deploys (the revision of a folder of this repository, and the operator channel by path).

const SHA_A = "f68b3aa94eccf6130bc0376d0d922c823aa46fab";
const SHA_B = "0c1d2e3f40516273849aabbccddeeff001122334";

const set = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: platform-operator
spec:
  generators:
    - matrix:
        generators:
          - git:
              repoURL: https://git.example.com/fleet.git
              revision: HEAD
              files:
                - path: clusters/CLUSTER_NAME/cluster.yaml
          - git:
              repoURL: https://git.example.com/fleet.git
              revision: HEAD
              pathParamPrefix: version
              files:
                - path: 'versions/{{ platform_version }}/version.yaml'
  template:
    metadata:
      name: platform-operator
    spec:
      project: default
      source:
        repoURL: https://git.example.com/fleet.git
        targetRevision: '{{ operator.revision }}'
        path: 'operator/overlays/channel-{{ operator.channel }}'
      destination:
        server: https://kubernetes.default.svc
        namespace: operator
`;

const overlay = (cluster: string) => ({
  [`config/overlays/${cluster}/apps/kustomization.yaml`]: "resources:\n  - ../../../base\npatches:\n  - path: cluster.yaml\n    target:\n      kind: ApplicationSet\n",
  [`config/overlays/${cluster}/apps/cluster.yaml`]: `- op: replace\n  path: /spec/generators/0/matrix/generators/0/git/files/0/path\n  value: clusters/${cluster}/cluster.yaml\n`,
});

const subscription = (channel: string) =>
  `apiVersion: operators.coreos.com/v1alpha1\nkind: Subscription\nmetadata:\n  name: operator\nspec:\n  channel: ${channel}\n  name: operator\n`;

const tree: Record<string, string> = {
  "config/base/kustomization.yaml": "resources:\n  - platform-operator.yaml\n",
  "config/base/platform-operator.yaml": set,
  ...overlay("east"),
  ...overlay("west"),
  "clusters/east/cluster.yaml": "platform_version: 1.0.0\n",
  "clusters/west/cluster.yaml": "platform_version: 1.1.0\n",
  "versions/1.0.0/version.yaml": `operator:\n  channel: stable\n  revision: ${SHA_A}\n`,
  "versions/1.1.0/version.yaml": `operator:\n  channel: fast\n  revision: ${SHA_B}\n`,
  "operator/base/kustomization.yaml": "resources:\n  - subscription.yaml\n",
  "operator/base/subscription.yaml": subscription("stable"),
  "operator/overlays/channel-stable/kustomization.yaml": "resources:\n  - ../../base\n",
  "operator/overlays/channel-fast/kustomization.yaml": "resources:\n  - ../../base\npatches:\n  - patch: |-\n      - op: replace\n        path: /spec/channel\n        value: fast\n    target:\n      kind: Subscription\n",
};

function read(files: Record<string, string>) {
  const model = readRepository(new Map(Object.entries(files)));
  return { model, cells: model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.kind}:${v.value}`).join(",")}`).sort() };
}

describe("ApplicationSets that kustomize overlays patch per cluster", () => {
  it("reads the set as each overlay builds it, in the cluster the overlay folder names", () => {
    const { model, cells } = read(tree);
    expect(cells.filter((c) => c.startsWith("operator@"))).toEqual([`operator@east=git:${SHA_A}`, `operator@west=git:${SHA_B}`]);
    // The pinned revision is written in the version file the cluster's definition names.
    const west = model.deployments.find((d) => d.env === "west")?.versions[0];
    expect(west).toMatchObject({ file: "versions/1.1.0/version.yaml" });
  });

  it("does not take the variant folders the set picks by path for environments", () => {
    const { model } = read(tree);
    const envs = model.environments.map((e) => e.name);
    expect(envs).toEqual(expect.arrayContaining(["east", "west"]));
    expect(envs.some((e) => e.startsWith("channel-"))).toBe(false);
    expect(model.notes.join("\n")).toContain("operator/overlays/channel-stable: Argo CD Applications deploy this folder into other environments: a source, not environment channel-stable");
  });

  it("reads the set as written when no overlay patches it", () => {
    const files = { ...tree };
    for (const k of Object.keys(files)) if (k.startsWith("config/overlays/")) delete files[k];
    // The placeholder path matches no file: Argo CD generates nothing, and neither does Ferry; the
    // operator's channel folders are what the layout makes of them.
    expect(read(files).cells.some((c) => c.includes("@east") || c.includes("@west"))).toBe(false);
  });
});

describe("a revision read through a merge of files generators", () => {
  it("is located in the file whose pattern the element's parameters fill, though the merge keeps the other file's path", () => {
    const merged = set
      .replace(
        `          - git:
              repoURL: https://git.example.com/fleet.git
              revision: HEAD
              pathParamPrefix: version
              files:
                - path: 'versions/{{ platform_version }}/version.yaml'
`,
        `          - merge:
              mergeKeys: [platform_version]
              generators:
                - git:
                    repoURL: https://git.example.com/fleet.git
                    revision: HEAD
                    files:
                      - path: 'versions/{{ platform_version }}/version.yaml'
                - git:
                    repoURL: https://git.example.com/fleet.git
                    revision: HEAD
                    files:
                      - path: 'clusters/{{ cluster.name }}/cluster.yaml'
`,
      );
    const files = {
      ...tree,
      "config/base/platform-operator.yaml": merged,
      "clusters/east/cluster.yaml": "cluster:\n  name: east\nplatform_version: 1.0.0\n",
      "clusters/west/cluster.yaml": "cluster:\n  name: west\nplatform_version: 1.1.0\n",
      "versions/1.0.0/version.yaml": `platform_version: 1.0.0\noperator:\n  channel: stable\n  revision: ${SHA_A}\n`,
      "versions/1.1.0/version.yaml": `platform_version: 1.1.0\noperator:\n  channel: fast\n  revision: ${SHA_B}\n`,
    };
    expect(merged).not.toBe(set);
    const { model, cells } = read(files);
    expect(cells.filter((c) => c.startsWith("operator@"))).toEqual([`operator@east=git:${SHA_A}`, `operator@west=git:${SHA_B}`]);
    expect(model.deployments.find((d) => d.env === "east")?.versions[0]).toMatchObject({ file: "versions/1.0.0/version.yaml", path: ["operator", "revision"] });
  });
});
