import { expect, test } from "@playwright/test";
import { confirmReview } from "./review";
import { DEMO, signInAs } from "./sign-in";

test("a developer promotes staging to production, a reviewer merges, the matrix shows the new version", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/");
  const cell = page.getByTestId("cell-checkout-production");
  await expect(cell).toContainText("2.3.1");
  await cell.getByRole("button", { name: "Promote checkout to production" }).click();

  const dialog = page.getByTestId("promote-dialog");
  await expect(dialog.getByTestId("plan-fields")).toContainText("2.3.1");
  await expect(dialog.getByTestId("plan-fields")).toContainText("2.4.0");
  const diff = dialog.getByTestId("diff");
  await expect(diff).toContainText("apps/checkout/production/deployment.yaml");
  // Only the version line changes: comments, order and everything else stay as they are.
  await expect(diff.locator('[data-line="del"]')).toHaveText([/^-\s+image: ghcr.io\/acme\/checkout:2.3.1$/]);
  await expect(diff.locator('[data-line="add"]')).toHaveText([/^\+\s+image: ghcr.io\/acme\/checkout:2.4.0$/]);

  await dialog.getByRole("button", { name: "Open change request" }).click();
  await expect(dialog.getByTestId("promote-result")).toContainText(/Opened payments-gitops#\d+/);
  await dialog.getByRole("button", { name: "Close" }).first().click();

  // The cell now points at the open change, and promoting again does not open a second one.
  await expect(cell.getByRole("link", { name: /payments-gitops#\d+ open/ })).toBeVisible();
  await page.goto("/changes");
  const open = page.getByTestId("changes").first();
  await expect(open).toContainText("Promote checkout to production");
  await expect(open).toContainText("staging → production");
  await expect(open).toContainText("Dana Developer");

  // The author may not merge their own change into protected production.
  await open.getByRole("link", { name: /Promote checkout to production/ }).click();
  await expect(page.getByTestId("merge-refusal")).toBeVisible();
  const changeUrl = page.url();

  // A platform admin reviews and merges.
  await signInAs(page, DEMO.admin);
  await page.goto(changeUrl);
  await expect(page.getByTestId("diff").locator('[data-line="add"]')).toHaveText([/^\+\s+image: ghcr.io\/acme\/checkout:2.4.0$/]);
  await confirmReview(page, "merge");
  await expect(page.getByTestId("change-state")).toHaveText("merged");

  await page.goto("/");
  await expect(page.getByTestId("cell-checkout-production")).toContainText("2.4.0");
  await expect(page.getByTestId("cell-checkout-production")).not.toContainText("behind");
});

test("promoting what is already there says so instead of opening a change", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/");
  // The matrix offers no Promote where there is nothing to promote (e2e/trust-defects.spec.ts)…
  await expect(page.getByTestId("cell-ledger-production")).toContainText("up to date with staging");
  await expect(page.getByTestId("cell-ledger-production").getByRole("button", { name: /Promote/ })).toHaveCount(0);
  // …and asking anyway opens nothing.
  const response = await page.request.post("/api/v1/promotions", {
    headers: { origin: new URL(page.url()).origin, "content-type": "application/json" },
    data: { repository: "payments-gitops", app: "ledger", from: "staging", to: "production" },
  });
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, status: "up-to-date" });
});

test("a viewer sees no Promote action and the server refuses a forged promotion", async ({ page }) => {
  await signInAs(page, DEMO.viewer);
  await page.goto("/");
  await expect(page.getByTestId("cell-invoices-production")).toBeVisible();
  await expect(page.getByRole("button", { name: /Promote/ })).toHaveCount(0);

  const forged = await page.request.post("/api/v1/promotions", {
    headers: { origin: new URL(page.url()).origin, "content-type": "application/json" },
    data: { repository: "payments-gitops", app: "invoices", from: "staging", to: "production" },
  });
  expect(forged.status()).toBe(403);
  expect(((await forged.json()) as { error: string }).error).toMatch(/viewer/i);
});

test("a developer of another team cannot promote payments apps", async ({ page }) => {
  await signInAs(page, DEMO.searchDeveloper);
  await page.goto("/");
  await expect(page.getByTestId("cell-indexer-staging").getByRole("button", { name: /Promote/ })).toBeVisible();
  await expect(page.getByTestId("cell-invoices-production").getByRole("button", { name: /Promote/ })).toHaveCount(0);
  const forged = await page.request.post("/api/v1/promotions", {
    headers: { origin: new URL(page.url()).origin, "content-type": "application/json" },
    data: { repository: "payments-gitops", app: "invoices", from: "staging", to: "production" },
  });
  expect(forged.status()).toBe(403);
  expect(((await forged.json()) as { error: string }).error).toContain("not a member of team payments");
});
