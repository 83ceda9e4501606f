import { expect, test } from "@playwright/test";
import { confirmReview } from "./review";
import { DEMO, signInAs } from "./sign-in";

// checkout in staging ran 2.3.1 (the initial layout) and then 2.4.0 (commit 004 of the demo history).

test("a cell's history opens from the keyboard, and Roll back to this opens a pinned rollback", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  const cell = page.getByTestId("cell-checkout-staging");
  const history = cell.getByRole("button", { name: "History of checkout in staging" });
  const popover = page.getByTestId("history-popover");
  const entries = popover.getByTestId("history-entry");
  // The worker reads the history in a job after the start-up sync: a user who comes too early reloads.
  await expect(async () => {
    await page.goto("/");
    await history.focus();
    await page.keyboard.press("Enter");
    await expect(popover).toBeFocused();
    await expect(entries).toHaveCount(2, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(entries.nth(0)).toContainText("2.4.0");
  await expect(entries.nth(0)).toContainText("now");
  await expect(entries.nth(0)).toContainText("Liam O'Connor");
  await expect(entries.nth(1)).toContainText("2.3.1");
  await expect(entries.nth(1)).toContainText("Jonas Weber");
  // Escape closes it and gives the focus back to its button.
  await page.keyboard.press("Escape");
  await expect(popover).toBeHidden();
  await expect(history).toBeFocused();

  await page.keyboard.press("Enter");
  await entries.nth(1).getByRole("button", { name: "Roll back checkout in staging to 2.3.1" }).click();
  const dialog = page.getByTestId("promote-dialog");
  // A downgrade asks, as any promotion to an older version does.
  // Ticking it re-plans with the confirmation: the question gives way to the plan.
  await dialog.getByRole("checkbox", { name: "Yes, roll staging back to the older version" }).click();
  await expect(dialog.getByTestId("diff").locator('[data-line="del"]')).toHaveText([/^-\s+image: ghcr.io\/acme\/checkout:2.4.0$/]);
  await expect(dialog.getByTestId("diff").locator('[data-line="add"]')).toHaveText([/^\+\s+image: ghcr.io\/acme\/checkout:2.3.1$/]);
  await dialog.getByRole("textbox", { name: /Why roll back/ }).fill("2.4.0 fails 3-D Secure in staging");
  await dialog.getByRole("button", { name: "Open change request" }).click();
  await expect(dialog.getByTestId("promote-result")).toContainText(/Opened payments-gitops#\d+/);
  const changeHref = await dialog.getByTestId("promote-result").getByRole("link").first().getAttribute("href");
  await dialog.getByRole("button", { name: "Close" }).first().click();

  // The cell shows the pin; the app page says who pinned it and why, and offers Unpin.
  await page.goto("/");
  await expect(page.getByTestId("cell-checkout-staging").getByTestId("pin-badge")).toHaveText(/pinned by rollback/i);
  await page.goto("/apps/payments-gitops/checkout");
  const pin = page.getByTestId("history-checkout-staging").getByTestId("rollback-pin");
  await expect(pin).toContainText("Pinned by rollback");
  await expect(pin).toContainText("Dana Developer");
  await expect(pin).toContainText("2.4.0 fails 3-D Secure in staging");
  await pin.getByRole("button", { name: "Unpin" }).click();
  await expect(page.getByTestId("history-checkout-staging").getByTestId("rollback-pin")).toHaveCount(0);

  // Leave the demo as it was for the other specs: close the rollback change.
  if (!changeHref) throw new Error("no change link");
  await page.goto(changeHref);
  await confirmReview(page, "close");
  await expect(page.getByTestId("change-state")).toHaveText("closed");
});

test("a viewer sees the history but cannot roll back", async ({ page }) => {
  await signInAs(page, DEMO.viewer);
  await page.goto("/apps/payments-gitops/checkout");
  const staging = page.getByTestId("history-checkout-staging");
  await expect(staging.getByTestId("history-entry")).toHaveCount(2);
  await expect(staging.getByRole("button", { name: /Roll back/ })).toHaveCount(0);
});
