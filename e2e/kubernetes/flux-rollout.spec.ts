import { expect, test } from "@playwright/test";
import { confirmReview } from "../review";
import { DEMO, signInAs } from "../sign-in";
import { kubernetesE2e } from "./cluster";

// A cluster reconciled by Flux, read through the Kubernetes API (no Argo CD API): a promotion of auth to
// production in the fleet demo repository is followed from merge to healthy as the Kustomization's
// conditions move (Reconciling at the merge commit, then Ready), on the open change page, the Changes page
// and the matrix without a reload; a Stalled Kustomization shows as degraded; the API server going away
// turns the cells stale.

const e2e = kubernetesE2e();
const AUTH = { name: "auth", path: "./apps/auth/overlays/production" };

async function flux(state: { readiness: "Ready" | "Reconciling" | "Stalled"; revision: string }): Promise<string> {
  const response = await fetch(`${e2e.control}/kustomizations`, { method: "POST", body: JSON.stringify({ ...AUTH, ...state }) });
  expect(response.ok).toBe(true);
  const answer = (await response.json()) as { revision: string | null; violations: string[] };
  expect(answer.violations).toEqual([]);
  return answer.revision ?? "";
}

test.describe.configure({ mode: "serial" });

test("a promotion is followed through Flux's conditions until healthy; a stalled Kustomization is degraded", async ({ page }) => {
  // Before the promotion, production's auth Kustomization has applied the head of main.
  const before = await flux({ readiness: "Ready", revision: "HEAD" });
  expect(before).toMatch(/^[0-9a-f]{40}$/);

  // Sam is in the identity team, which owns auth.
  await signInAs(page, DEMO.searchDeveloper);
  await page.goto("/");
  const auth = page.getByTestId("cell-auth-production");
  await expect(auth.locator("[data-live-sync]")).toHaveText(/ready\s*healthy/);
  await expect(page.getByTestId("cell-profile-production").locator("[data-live-sync]")).toHaveText(/stalled\s*degraded/);
  // No Kustomization of the production cluster reads staging's folder: nothing is claimed there.
  await expect(page.getByTestId("cell-auth-staging").locator("[data-live-sync]")).toHaveCount(0);

  const opened = await page.request.post("/api/v1/promotions", {
    headers: { origin: new URL(page.url()).origin, "content-type": "application/json" },
    data: { repository: "fleet", app: "auth", from: "staging", to: "production" },
  });
  const body = (await opened.json()) as { ok: boolean; change?: { id: number } };
  expect(body, JSON.stringify(body)).toMatchObject({ ok: true, change: { id: expect.any(Number) } });
  const id = body.change!.id;

  // Production is protected: Alex merges what Sam opened.
  await signInAs(page, DEMO.admin, `/changes/${id}`);
  await page.goto(`/changes/${id}`);
  const timeline = page.getByTestId("rollout-timeline");
  await expect(timeline).toHaveAttribute("data-phase", "open");
  await confirmReview(page, "merge");
  await expect(page.getByTestId("change-state")).toHaveText("merged");

  // Merged, Flux has not fetched it yet: deploying, on the change and in the cell.
  await expect(timeline).toHaveAttribute("data-phase", "deploying");
  await expect(page.getByTestId("rollout-note")).toContainText(`Merged, not applied yet (the cluster runs ${before.slice(0, 12)})`);
  const matrix = await page.context().newPage();
  await matrix.goto("/");
  const cell = matrix.getByTestId("cell-auth-production");
  await expect(cell.locator("[data-live-deploying]")).toHaveText("deploying");
  const changes = await page.context().newPage();
  await changes.goto("/changes");
  const row = changes.getByTestId(`change-${id}`);
  await expect(row.locator("[data-rollout]")).toHaveAttribute("data-rollout", "deploying");

  // Flux fetched the merge commit and is applying it: reconciling, not applied.
  const merged = await flux({ readiness: "Reconciling", revision: "HEAD" });
  expect(merged).not.toBe(before);
  await expect(cell.locator("[data-live-sync]")).toHaveText(/reconciling\s*progressing/);
  await expect(timeline.locator('[data-step="applied"]')).toHaveAttribute("data-done", "false");
  await expect(timeline).toHaveAttribute("data-phase", "deploying");

  // Ready at the merge commit: applied and healthy, everywhere, without a reload.
  await flux({ readiness: "Ready", revision: merged });
  await expect(timeline).toHaveAttribute("data-phase", "healthy");
  await expect(timeline.locator('[data-done="true"]')).toHaveCount(4);
  await expect(timeline.locator('[data-step="healthy"]')).toContainText(/\d{2}:\d{2} UTC/);
  await expect(cell.locator("[data-live-sync]")).toHaveText(/ready\s*healthy/);
  await expect(cell.locator("[data-live-deploying]")).toHaveCount(0);
  await expect(cell.locator("[data-live-applied]")).toHaveAttribute("data-live-applied", "head");
  await expect(row.locator("[data-rollout]")).toHaveAttribute("data-rollout", "healthy");

  // The next reconciliation fails: Flux stalls, and the cell says stalled and degraded.
  await flux({ readiness: "Stalled", revision: merged });
  await expect(cell.locator("[data-live-sync]")).toHaveText(/stalled\s*degraded/);
  // The change's own timeline says so too: Flux gave up on its revision, waiting will not make it healthy.
  await expect(timeline).toHaveAttribute("data-phase", "degraded");
  await Promise.all([matrix.close(), changes.close()]);
});

test("the cluster's cells turn stale when its API server goes away", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/");
  const auth = page.getByTestId("cell-auth-production");
  const profile = page.getByTestId("cell-profile-production");
  await expect(profile.locator("[data-live-sync]")).toHaveText(/stalled\s*degraded/);

  const response = await fetch(`${e2e.control}/stop`, { method: "POST", body: "{}" });
  expect(((await response.json()) as { violations: string[] }).violations).toEqual([]);
  await expect(auth.locator("[data-live=stale]")).toContainText("live state stale since");
  await expect(profile.locator("[data-live=stale]")).toBeVisible();
  await expect(profile.locator("[data-live-sync]")).toHaveCount(0);
});
