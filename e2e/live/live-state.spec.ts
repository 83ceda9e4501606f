import { expect, test } from "@playwright/test";
import { DEMO, signInAs } from "../sign-in";
import { liveE2e } from "./argocd";

const e2e = liveE2e();

async function control(path: string, body?: unknown): Promise<string> {
  const response = await fetch(`${e2e.control}${path}`, { method: body === undefined ? "GET" : "POST", body: body === undefined ? undefined : JSON.stringify(body) });
  expect(response.ok).toBe(true);
  return response.text();
}

test.describe.configure({ mode: "serial" });

test("cells show what Argo CD reports, follow its stream without a reload, and turn stale when it goes away", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/");
  const staging = page.getByTestId("cell-checkout-staging");
  const production = page.getByTestId("cell-checkout-production");
  await expect(staging.locator("[data-live-sync]")).toHaveText(/synced\s*healthy/);
  await expect(production.locator("[data-live-sync]")).toHaveText(/out of sync\s*degraded/);
  await expect(production.locator("[data-live-image-mismatch]")).toHaveText("runs 2.3.0, git says 2.3.1");
  await expect(page.getByTestId("cell-checkout-dev").locator("[data-live-sync]")).toHaveCount(0);

  // Only out of sync or unhealthy: checkout (production is degraded), no app Argo CD says nothing about.
  // A controlled checkbox: it reflects the URL, which changes after the click.
  await page.getByRole("checkbox", { name: "Only out of sync or unhealthy" }).click();
  await expect(page).toHaveURL(/live=problems/);
  await expect(page.getByTestId("row-checkout")).toBeVisible();
  await expect(page.getByTestId("row-ledger")).toHaveCount(0);
  await page.goto("/");

  // Argo CD syncs production: the event reaches the open matrix without a reload.
  await control("/apps", { name: "checkout-production", path: "apps/checkout/production", sync: "Synced", health: "Healthy", images: ["ghcr.io/acme/checkout:2.3.1"] });
  await expect(production.locator("[data-live-sync]")).toHaveText(/synced\s*healthy/);
  await expect(production.locator("[data-live-image-mismatch]")).toHaveCount(0);

  // The Argo CD API goes away: no stale green, the cells say since when they are stale.
  const stopped = JSON.parse(await control("/stop", {})) as { violations: string[] };
  expect(stopped.violations).toEqual([]);
  await expect(production.locator("[data-live=stale]")).toContainText("live state stale since");
  await expect(staging.locator("[data-live=stale]")).toBeVisible();
  await expect(production.locator("[data-live-sync]")).toHaveCount(0);
});

test("the Live state page lists the Applications Ferry could not place, with the reason", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/live");
  await expect(page.getByTestId("live-sources")).toContainText(e2e.source);
  const unplaced = page.getByTestId("live-unplaced");
  await expect(unplaced).toContainText("argocd/billing");
  await expect(unplaced).toContainText("the repository https://github.com/acme/billing-gitops is not one Ferry reads");
});
