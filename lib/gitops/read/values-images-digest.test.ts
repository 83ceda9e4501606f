import { describe, expect, it } from "vitest";
import { planPromotion } from "../promote";
import { BASE, changedLines } from "../promote/test-helpers";
import type { PromotionPlan } from "../promote/types";
import { readRepository } from "./index";
import { imagesInValues } from "./values-images";

// `image: {repository, digest}` with no tag: app-template renders `repository@digest`, and Kargo's Digest
// image strategy writes exactly that shape.
const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

describe("an image pinned by digest alone in Helm values", () => {
  it("is an image whose version is the digest, located at its digest field", () => {
    const values = {
      controllers: { main: { containers: { app: { image: { repository: "ghcr.io/home-operations/sonarr", digest: A } } } } },
      exporter: { image: { name: "ghcr.io/acme/exporter", digest: B } },
      worker: { repository: "ghcr.io/acme/worker", digest: B },
      images: { api: { repository: "acme/api", digest: A }, web: { repository: "acme/web", tag: "2.0" } },
    };
    expect(imagesInValues(values)).toEqual([
      { path: ["images", "api", "digest"], name: "acme/api", tag: null, digest: A },
      { path: ["images", "web", "tag"], name: "acme/web", tag: "2.0" },
      { path: ["controllers", "main", "containers", "app", "image", "digest"], name: "ghcr.io/home-operations/sonarr", tag: null, digest: A },
      { path: ["exporter", "image", "digest"], name: "ghcr.io/acme/exporter", tag: null, digest: B },
      { path: ["worker", "digest"], name: "ghcr.io/acme/worker", tag: null, digest: B },
    ]);
  });

  it("keeps a tag beside its digest as the version (the digest moves with it), and an empty digest pins nothing", () => {
    expect(imagesInValues({ image: { repository: "acme/api", tag: "1.2", digest: A }, sidecar: { image: { repository: "acme/proxy", digest: "" } } })).toEqual([
      { path: ["image", "tag"], name: "acme/api", tag: "1.2", digest: A },
    ]);
  });
});

function chartTree(staging: string, prod: string): Map<string, string> {
  return new Map(
    Object.entries({
      "charts/sonarr/Chart.yaml": "apiVersion: v2\nname: sonarr\nversion: 0.1.0\n",
      "charts/sonarr/values.yaml": "image:\n  repository: ghcr.io/home-operations/sonarr\n",
      "charts/sonarr/values-staging.yaml": staging,
      "charts/sonarr/values-prod.yaml": prod,
    }),
  );
}

function promote(tree: Map<string, string>, allowReplaceDigestPin = false): PromotionPlan {
  const model = readRepository(tree);
  const cell = (env: string) => {
    const d = model.deployments.find((x) => x.app === "sonarr" && x.env === env);
    if (!d) throw new Error(`no sonarr/${env}`);
    return d;
  };
  return planPromotion({ ...BASE, tree, source: cell("staging"), target: cell("prod"), mode: "version", allowReplaceDigestPin });
}

function diff(plan: PromotionPlan): string[] {
  if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
  return changedLines(plan.changeSet.diff);
}

describe("promoting an image pinned by digest alone", () => {
  const prod = `image:\n  digest: ${A} # pinned by Kargo\n`;

  it("the reader shows the digest as the version, at the digest field", () => {
    const model = readRepository(chartTree(`image:\n  digest: ${B}\n`, prod));
    const cell = model.deployments.find((d) => d.app === "sonarr" && d.env === "prod");
    expect(cell?.versions.find((v) => v.kind === "image")).toMatchObject({ name: "ghcr.io/home-operations/sonarr", value: A, digest: A, floating: false, field: "image.digest", file: "charts/sonarr/values-prod.yaml" });
  });

  it("edits the digest field to the source's digest", () => {
    expect(diff(promote(chartTree(`image:\n  digest: ${B}\n`, prod)))).toEqual([`-  digest: ${A} # pinned by Kargo`, `+  digest: ${B} # pinned by Kargo`]);
  });

  it("writes only the digest when the source pins a tag and a digest: the target keeps pinning by digest", () => {
    expect(diff(promote(chartTree(`image:\n  tag: "1.5"\n  digest: ${B}\n`, prod)))).toEqual([`-  digest: ${A} # pinned by Kargo`, `+  digest: ${B} # pinned by Kargo`]);
  });

  it("refuses a source without a digest, and on the user's choice writes its tag in place of the pin", () => {
    const tree = chartTree(`image:\n  tag: "1.5"\n`, prod);
    expect(promote(tree)).toMatchObject({ status: "refused", override: "allowReplaceDigestPin" });
    expect(diff(promote(tree, true))).toEqual([`-  digest: ${A} # pinned by Kargo`, '+  tag: "1.5"']);
  });
});
