import { describe, expect, it } from "vitest";
import { kustomizationIn, outsideReference } from "./outside-refs";

const tree = (overlay: string) =>
  new Map([
    ["apps/a/base/kustomization.yaml", "resources:\n  - deployment.yaml\n"],
    ["apps/a/base/deployment.yaml", "kind: Deployment\n"],
    ["apps/a/overlays/dev/kustomization.yaml", overlay],
  ]);

describe("outsideReference", () => {
  it("allows bases, patches and generator files inside the repository", () => {
    const t = tree("resources:\n  - ../../base\npatches:\n  - path: patch.yaml\nconfigMapGenerator:\n  - name: c\n    files:\n      - app.conf=conf/app.conf\n");
    expect(outsideReference(t, "apps/a/overlays/dev")).toBeNull();
  });

  it.each([
    ["resources:\n  - https://github.com/acme/base?ref=v1\n", "remote https://github.com/acme/base?ref=v1"],
    ["resources:\n  - github.com/acme/base//deploy?ref=v1\n", "remote github.com/acme/base//deploy?ref=v1"],
    ["resources:\n  - git@github.com:acme/base.git\n", "remote git@github.com:acme/base.git"],
    ["resources:\n  - /srv/other-repo\n", "/srv/other-repo, outside the repository"],
    ["resources:\n  - ../../../../../etc\n", "../../../../../etc, outside the repository"],
    ["secretGenerator:\n  - name: s\n    files:\n      - key=../../../../../root/.ssh/id_rsa\n", "outside the repository"],
  ])("refuses %j", (overlay, reason) => {
    expect(outsideReference(tree(overlay), "apps/a/overlays/dev")).toContain(reason);
  });

  it("follows bases: an outside reference in a base is found from the overlay", () => {
    const t = tree("resources:\n  - ../../base\n");
    t.set("apps/a/base/kustomization.yaml", "resources:\n  - /etc/ferry\n");
    expect(outsideReference(t, "apps/a/overlays/dev")).toBe("apps/a/base/kustomization.yaml refers to /etc/ferry, outside the repository.");
  });

  it("finds the kustomization file under any of its names", () => {
    expect(kustomizationIn(new Map([["x/Kustomization", ""]]), "x")).toBe("x/Kustomization");
    expect(kustomizationIn(new Map([["x/kustomization.yml", ""]]), "x")).toBe("x/kustomization.yml");
    expect(kustomizationIn(new Map([["x/deploy.yaml", ""]]), "x")).toBeNull();
  });
});
