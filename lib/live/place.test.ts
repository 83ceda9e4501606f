import { describe, expect, it } from "vitest";
import { CellIndex, normalizeRepoUrl, placeApplication, type PlaceableCell } from "./place";
import type { LiveApplication } from "./types";

const REPO = "https://github.com/acme/gitops";
const cell = (app: string, env: string, path: string, extra: Partial<PlaceableCell> = {}): PlaceableCell => ({
  repository: "gitops",
  repositoryUrl: REPO,
  branch: "main",
  app,
  env,
  path,
  charts: [],
  ...extra,
});
const live = (name: string, sources: LiveApplication["sources"], destination: LiveApplication["destination"] = {}): LiveApplication => ({
  key: `argocd/${name}`,
  name,
  namespace: "argocd",
  sync: "Synced",
  health: "Healthy",
  revision: null,
  images: [],
  sources,
  destination,
  appliedAt: null,
  resourceVersion: null,
});

const index = new CellIndex([
  cell("checkout", "staging", "apps/checkout/overlays/staging"),
  cell("checkout", "production", "apps/checkout/overlays/production"),
  cell("shop", "staging", "apps/shop"),
  cell("shop", "production", "apps/shop"),
  cell("grafana", "production", "argocd/grafana-production.yaml", { charts: ["grafana"] }),
]);

describe("placeApplication", () => {
  it("places a git source by repository URL and folder, whatever the URL's spelling", () => {
    const app = live("checkout-prod", [{ repoURL: "git@github.com:Acme/gitops.git", path: "./apps/checkout/overlays/production/", targetRevision: "HEAD" }]);
    expect(placeApplication(app, index)).toEqual({ repository: "gitops", app: "checkout", env: "production" });
  });

  it("tells apart cells sharing one folder by the environment the Application names", () => {
    expect(placeApplication(live("shop-staging", [{ repoURL: REPO, path: "apps/shop" }]), index)).toEqual({ repository: "gitops", app: "shop", env: "staging" });
    expect(placeApplication(live("shop", [{ repoURL: REPO, path: "apps/shop" }], { namespace: "production" }), index)).toEqual({ repository: "gitops", app: "shop", env: "production" });
  });

  it("says why when several cells fit equally", () => {
    const placed = placeApplication(live("shop", [{ repoURL: REPO, path: "apps/shop" }], { namespace: "shop" }), index);
    expect(placed).toEqual({ reason: expect.stringContaining("several cells (shop in staging, shop in production)") });
  });

  it("places a chart source by chart name", () => {
    expect(placeApplication(live("grafana", [{ repoURL: "https://grafana.github.io/helm-charts", chart: "grafana", targetRevision: "8.5.1" }]), index)).toEqual({
      repository: "gitops",
      app: "grafana",
      env: "production",
    });
  });

  it("leaves unplaced, with the reason, what fits no cell", () => {
    expect(placeApplication(live("x", [{ repoURL: "https://github.com/other/repo", path: "a" }]), index)).toEqual({ reason: "the repository https://github.com/other/repo is not one Ferry reads" });
    expect(placeApplication(live("x", [{ repoURL: REPO, path: "apps/billing" }]), index)).toEqual({ reason: "no cell of gitops is the folder apps/billing" });
    expect(placeApplication(live("x", [{ repoURL: REPO, path: "apps/shop", targetRevision: "release-1" }]), index)).toEqual({
      reason: "it deploys revision release-1 of gitops, and Ferry reads branch main",
    });
    expect(placeApplication(live("x", []), index)).toEqual({ reason: "it has no source Ferry can read (no repository URL)" });
  });

  it("uses the first source that places (multi-source Applications)", () => {
    const app = live("checkout-staging", [
      { repoURL: "https://charts.example.com", chart: "unknown" },
      { repoURL: REPO, path: "apps/checkout/overlays/staging" },
    ]);
    expect(placeApplication(app, index)).toEqual({ repository: "gitops", app: "checkout", env: "staging" });
  });
});

describe("normalizeRepoUrl", () => {
  it("places a Flux Kustomization applying an OCI artifact in the cell that artifact is, by the cluster's environment", () => {
    const oci = "oci://ghcr.io/acme/manifests/payments";
    const idx = new CellIndex([
      cell("payments", "staging", "clusters/staging", { artifacts: [oci] }),
      cell("payments", "production", "clusters/production", { artifacts: [oci] }),
    ]);
    const k = (cluster: string) => live("payments", [{ repoURL: oci, artifact: `${oci}/`, path: "./" }], { name: cluster, namespace: "payments" });
    expect(placeApplication(k("production"), idx)).toEqual({ repository: "gitops", app: "payments", env: "production" });
    expect(placeApplication(live("billing", [{ repoURL: "oci://ghcr.io/acme/manifests/billing", artifact: "oci://ghcr.io/acme/manifests/billing" }]), idx)).toEqual({
      reason: "no cell deploys the OCI artifact oci://ghcr.io/acme/manifests/billing",
    });
  });

  it("makes the usual spellings of one repository equal", () => {
    const forms = ["https://github.com/acme/gitops", "https://github.com/acme/gitops.git", "https://bot@GitHub.com/acme/gitops/", "git@github.com:acme/gitops.git", "ssh://git@github.com/acme/gitops"];
    expect(new Set(forms.map(normalizeRepoUrl))).toEqual(new Set(["github.com/acme/gitops"]));
  });
});
