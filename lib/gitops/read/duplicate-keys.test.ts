import { describe, expect, it } from "vitest";
import { setScalar } from "../edit";
import type { FileTree } from "../model";
import { readRepository } from ".";

// A values file with a key written twice is read as Helm reads it (the last occurrence wins, whole),
// with a note naming file, key and lines; Kubernetes objects and kustomizations with a repeated key
// stay errors, as kubectl and kustomize refuse them.

const application = (env: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: api-${env}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/acme/gitops.git
    targetRevision: HEAD
    path: charts/api
    helm:
      valueFiles:
        - values-${env}.yaml
  destination:
    server: https://kubernetes.default.svc
    namespace: ${env}
`;

// `image:` twice, as hand-edited values files have it: Helm reads only the second block.
const REPEATED = `image:
  repository: ghcr.io/acme/api
  tag: 1.0.0
replicaCount: 1
image:
  repository: ghcr.io/acme/api
  tag: 2.0.0 # the one Helm deploys
service:
  port: 80
`;

function repo(files: Record<string, string> = {}): FileTree {
  return new Map(
    Object.entries({
      "apps/api-staging.yaml": application("staging"),
      "apps/api-production.yaml": application("production"),
      "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: 0.0.1\n",
      "charts/api/values.yaml": "image:\n  repository: ghcr.io/acme/api\n  tag: ''\n",
      "charts/api/templates/deployment.yaml": "kind: Deployment\n",
      "charts/api/values-staging.yaml": REPEATED,
      "charts/api/values-production.yaml": "image:\n  tag: 1.0.0\n",
      ...files,
    }),
  );
}

function imageOf(tree: FileTree, env: string) {
  return readRepository(tree)
    .deployments.find((d) => d.app === "api" && d.env === env)
    ?.versions.find((v) => v.kind === "image");
}

describe("a Helm values file with a repeated key", () => {
  it("is read with the last occurrence winning, and the reader notes file, key and lines", () => {
    const model = readRepository(repo());
    const image = model.deployments.find((d) => d.app === "api" && d.env === "staging")?.versions.find((v) => v.kind === "image");
    expect(image).toMatchObject({ name: "ghcr.io/acme/api", value: "2.0.0", file: "charts/api/values-staging.yaml", field: "image.tag" });
    expect(model.errors).toEqual([]);
    expect(model.notes).toContain("charts/api/values-staging.yaml:5: duplicate key image (also at line 1); read as Helm reads it, the last one wins");
  });

  it("a promotion edits the occurrence Helm reads: after the edit, the new version is what is read", () => {
    const tree = repo();
    const image = imageOf(tree, "staging");
    if (!image) throw new Error("no image read");
    const edited = setScalar(tree.get(image.file) ?? "", image.doc, image.path, "3.0.0");
    // Only the second block changed; the first, which Helm drops, is left as written.
    expect(edited).toBe(REPEATED.replace("tag: 2.0.0", "tag: 3.0.0"));
    const after = new Map(tree).set(image.file, edited);
    expect(imageOf(after, "staging")).toMatchObject({ value: "3.0.0", file: "charts/api/values-staging.yaml", field: "image.tag" });
  });

  it("a key repeated deeper and a chart's own values.yaml are read the same way", () => {
    const tree = repo({
      "charts/api/values.yaml": "image:\n  repository: ghcr.io/acme/old\n  repository: ghcr.io/acme/api\n  tag: ''\n",
      "charts/api/values-production.yaml": "image:\n  tag: 1.0.0\n  tag: 1.1.0\n",
    });
    const model = readRepository(tree);
    const image = model.deployments.find((d) => d.app === "api" && d.env === "production")?.versions.find((v) => v.kind === "image");
    expect(image).toMatchObject({ name: "ghcr.io/acme/api", value: "1.1.0", field: "image.tag" });
    expect(model.notes).toEqual(
      expect.arrayContaining([
        "charts/api/values.yaml:3: duplicate key image.repository (also at line 2); read as Helm reads it, the last one wins",
        "charts/api/values-production.yaml:3: duplicate key image.tag (also at line 2); read as Helm reads it, the last one wins",
      ]),
    );
  });

  it("still fails when it has another error besides the repeated key", () => {
    const model = readRepository(repo({ "charts/api/values-staging.yaml": `${REPEATED}broken: [\n` }));
    expect(model.errors.some((e) => e.file === "charts/api/values-staging.yaml")).toBe(true);
    expect(imageOf(repo({ "charts/api/values-staging.yaml": `${REPEATED}broken: [\n` }), "staging")?.value).not.toBe("2.0.0");
  });
});

describe("a Kubernetes object or a kustomization with a repeated key", () => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          image: ghcr.io/acme/web:2.0.0
`;

  it("stays an error naming the line, as kubectl's strict field validation refuses it", () => {
    const model = readRepository(new Map([["web/deployment.yaml", deployment], ["web/kustomization.yaml", "resources:\n  - deployment.yaml\n"]]));
    expect(model.errors).toContainEqual({ file: "web/deployment.yaml", line: 11, message: "Map keys must be unique: spec.template.spec.containers[0].image is also set at line 10" });
    expect(model.deployments.flatMap((d) => d.versions).filter((v) => v.file === "web/deployment.yaml")).toEqual([]);
    expect(model.notes.filter((n) => n.includes("duplicate key"))).toEqual([]);
  });

  it("a kustomization with a repeated key stays an error, as kustomize refuses it", () => {
    const kustomization = "resources:\n  - deployment.yaml\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 3.0.0\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 4.0.0\n";
    const model = readRepository(new Map([["web/deployment.yaml", deployment.replace(/\n {10}image: ghcr.io\/acme\/web:2.0.0/, "")], ["web/kustomization.yaml", kustomization]]));
    expect(model.errors).toContainEqual({ file: "web/kustomization.yaml", line: 6, message: "Map keys must be unique: images is also set at line 3" });
    expect(model.deployments.flatMap((d) => d.versions).map((v) => v.value)).not.toContain("4.0.0");
  });
});

describe("Helm values written as text inside an Application", () => {
  it("are read with the last occurrence winning too, as Helm reads the text", () => {
    const inline = application("production").replace("      valueFiles:\n        - values-production.yaml\n", `      values: |\n${REPEATED.split("\n").map((l) => (l ? `        ${l}` : l)).join("\n")}`);
    const tree = repo({ "apps/api-production.yaml": inline });
    expect(imageOf(tree, "production")).toMatchObject({ name: "ghcr.io/acme/api", value: "2.0.0", file: "apps/api-production.yaml" });
  });
});
