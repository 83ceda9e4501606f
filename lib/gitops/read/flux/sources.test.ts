import { describe, expect, it } from "vitest";
import { readRepository } from "../index";
import { sameRepoUrl } from "../../repo-url";

describe("sameRepoUrl", () => {
  it("reads one repository through scheme, user, port, scp form, trailing slash and .git", () => {
    const forms = ["ssh://git@github.com/Acme/Shop", "https://git@github.com/acme/shop", "https://github.com/acme/shop.git", "git@github.com:acme/shop.git", "ssh://git@github.com:22/acme/shop/", "http://token@github.com/acme/shop"];
    for (const form of forms) expect(sameRepoUrl(form, "github.com/acme/shop")).toBe(true);
  });

  it("tells different repositories and hosts apart", () => {
    expect(sameRepoUrl("https://github.com/acme/shop", "https://github.com/acme/shop-config")).toBe(false);
    expect(sameRepoUrl("https://github.com/acme/shop", "https://gitlab.com/acme/shop")).toBe(false);
  });
});

describe("a GitRepository that is this repository under another name", () => {
  const ks = (name: string, source: string) =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./deploy\n  sourceRef:\n    kind: GitRepository\n    name: ${source}\n`;
  const git = (name: string, url: string) => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1m\n  ref:\n    branch: main\n  url: ${url}\n`;

  it("has its Kustomizations read from this repository's folders", () => {
    const model = readRepository(
      new Map(
        Object.entries({
          "clusters/prod/flux-system/gotk-sync.yaml": `${git("flux-system", "ssh://git@github.com/acme/shop")}---\n${ks("flux-system", "flux-system").replace("./deploy", "./clusters/prod")}`,
          "clusters/prod/shop-source.yaml": git("shop", "https://git@github.com/acme/shop"),
          "clusters/prod/shop.yaml": ks("shop", "shop"),
          "deploy/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart\nspec:\n  template:\n    spec:\n      containers:\n        - name: cart\n          image: registry.example.com/cart:2.3.0\n",
        }),
      ),
    );
    expect(model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`)).toEqual(["shop@prod=2.3.0"]);
    expect(model.notes.some((n) => n.includes("outside this repository"))).toBe(false);
  });
});
