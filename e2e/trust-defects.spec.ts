import { expect, test } from "@playwright/test";
import { DEMO, signInAs } from "./sign-in";

// Defects a careful newcomer hit (issue #14): an inverted environment filter, forms that open what
// was typed instead of what was previewed, filters nobody can see, and Promote on cells with nothing
// to promote. Each test failed on the code before its fix.

test("unticking an environment hides it, the URL says what is shown, and a reload shows the same", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/");
  const headers = page.getByTestId("matrix").locator("thead th");
  await expect(headers).toHaveText(["App", "dev", "staging", /production/]);
  const envs = page.getByRole("group", { name: "Environments" });

  // The checkboxes follow the URL (a server round trip), so click and wait for it rather than uncheck().
  await envs.getByLabel("dev", { exact: true }).click();
  await expect(page).toHaveURL(/[?&]env=staging%2Cproduction(&|$)/);
  await expect(headers).toHaveText(["App", "staging", /production/]);
  await expect(envs.getByLabel("dev", { exact: true })).not.toBeChecked();
  await expect(page.getByTestId("filter-chip-env-dev")).toHaveText(/dev hidden/);

  await page.reload();
  await expect(headers).toHaveText(["App", "staging", /production/]);
  await expect(envs.getByLabel("dev", { exact: true })).not.toBeChecked();
  await expect(envs.getByLabel("staging", { exact: true })).toBeChecked();

  // Hiding one more leaves one; the last shown environment cannot be hidden.
  await envs.getByLabel("staging", { exact: true }).click();
  await expect(headers).toHaveText(["App", /production/]);
  await expect(envs.getByLabel("production", { exact: true })).toBeDisabled();

  // Ticking them again is the default view, with nothing in the URL.
  await envs.getByLabel("dev", { exact: true }).click();
  await expect(headers).toHaveText(["App", "dev", /production/]);
  await envs.getByLabel("staging", { exact: true }).click();
  await expect(headers).toHaveText(["App", "dev", "staging", /production/]);
  await expect(page).not.toHaveURL(/env=/);
  await expect(page.getByTestId("active-filters")).toHaveCount(0);
});

test("the onboarding form opens only what was previewed: a changed form must be previewed again", async ({ page }) => {
  await signInAs(page, DEMO.admin);
  await page.goto("/tenants/new");
  const form = page.getByTestId("tenant-form");
  await form.getByLabel("Name", { exact: true }).fill("treasury");
  await form.getByLabel("Display name").fill("Treasury");
  await form.getByLabel("Owners").fill("alex");
  await form.getByRole("button", { name: "Preview" }).click();
  const preview = form.getByTestId("scaffold-preview");
  await expect(preview).toContainText("tenants/treasury/namespaces.yaml");
  const open = form.getByRole("button", { name: "Open change request" });
  await expect(open).toBeEnabled();

  // Renamed after the preview: what is shown is no longer what the form holds, so it cannot be opened.
  await form.getByLabel("Name", { exact: true }).fill("treasury2");
  await expect(form.getByTestId("scaffold-stale")).toContainText("Preview again");
  await expect(open).toBeDisabled();

  // Back to what was previewed: it may be opened again, and opens exactly that.
  await form.getByLabel("Name", { exact: true }).fill("treasury");
  await expect(form.getByTestId("scaffold-stale")).toHaveCount(0);
  await expect(open).toBeEnabled();
  await form.getByLabel("Name", { exact: true }).fill("treasury2");
  await form.getByRole("button", { name: "Preview" }).click();
  await expect(preview).toContainText("tenants/treasury2/namespaces.yaml");
  await expect(preview).not.toContainText("tenants/treasury/namespaces.yaml");
  await open.click();
  await expect(form.getByTestId("scaffold-result")).toContainText(/Opened change #\d+/);
  await form.getByTestId("scaffold-result").getByRole("link").click();
  await expect(page.getByRole("heading", { name: /Onboard tenant treasury2/ })).toBeVisible();
});

test("the add-app form refuses to open a preview the form no longer matches", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/apps/new");
  const form = page.getByTestId("app-form");
  await form.getByLabel("Repository").selectOption("payments-gitops");
  await form.getByLabel("App name").fill("payouts");
  await form.getByLabel("Image").fill("ghcr.io/acme/payouts");
  await form.getByLabel("Tag", { exact: true }).fill("1.0.0");
  await form.getByRole("button", { name: "Preview" }).click();
  await expect(form.getByTestId("scaffold-preview")).toContainText("apps/payouts/production/deployment.yaml");
  await form.getByLabel("Tag", { exact: true }).fill("1.0.1");
  await expect(form.getByTestId("scaffold-stale")).toBeVisible();
  await expect(form.getByRole("button", { name: "Open change request" })).toBeDisabled();
});

test("no invisible filters: the way back from an app page is the whole matrix, and every filter is a removable chip", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/");
  await page.getByRole("link", { name: "checkout", exact: true }).click();
  await expect(page.getByRole("heading", { name: "checkout", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "← matrix" }).click();
  await expect(page.getByTestId("row-auth")).toBeVisible();
  await expect(page).not.toHaveURL(/app=/);
  await expect(page.getByTestId("active-filters")).toHaveCount(0);

  // A link that filters by app shows it, and combining it with another team says why nothing shows.
  await page.goto("/?app=checkout");
  await expect(page.getByTestId("filter-chip-app")).toHaveText(/app checkout/);
  await expect(page.getByTestId("row-ledger")).toHaveCount(0);
  await page.getByLabel("Team").selectOption("search");
  await expect(page).toHaveURL(/team=search/);
  const none = page.getByTestId("no-match");
  await expect(none).toContainText("No apps match");
  await expect(none).toContainText("team search");
  await expect(none).toContainText("app checkout");
  await page.getByRole("link", { name: "Remove filter: app checkout" }).click();
  await expect(page.getByTestId("row-indexer")).toBeVisible();
  await expect(page).not.toHaveURL(/app=/);
  await expect(page.getByTestId("filter-chip-team")).toHaveText(/team search/);
  await expect(none).toHaveCount(0);

  // The search box follows a removed search chip.
  await page.goto("/?q=ingress&drift=1");
  const search = page.getByRole("searchbox");
  await expect(search).toHaveValue("ingress");
  await expect(page.getByTestId("filter-chip-drift")).toBeVisible();
  await page.getByRole("link", { name: 'Remove filter: search "ingress"' }).click();
  await expect(search).toHaveValue("");
  await expect(page).toHaveURL(/drift=1/);
  await expect(page).not.toHaveURL(/q=/);
  await expect(page.getByTestId("row-ledger")).toHaveCount(0);
  await page.getByRole("link", { name: "Remove filter: only drift" }).click();
  await expect(page.getByTestId("row-ledger")).toBeVisible();
  await expect(page.getByTestId("active-filters")).toHaveCount(0);
});

test("cells already up to date with the environment they are promoted from offer no Promote", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/");
  // ledger runs 1.8.2 everywhere: nothing to promote into staging or production.
  for (const env of ["staging", "production"]) {
    const cell = page.getByTestId(`cell-ledger-${env}`);
    await expect(cell).toContainText("1.8.2");
    await expect(cell.getByRole("button", { name: /Promote/ })).toHaveCount(0);
  }
  await expect(page.getByTestId("cell-ledger-production").getByTestId("up-to-date")).toHaveText(/up to date with staging/);
  // invoices production (0.8.3) is behind staging (0.9.0): Promote stays.
  await expect(page.getByTestId("cell-invoices-production").getByRole("button", { name: "Promote invoices to production" })).toBeVisible();
});

test("promoting a floating version asks for an explicit confirmation, then plans it", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/");
  // invoices dev runs :latest; staging runs a pinned 0.9.0.
  await expect(page.getByTestId("cell-invoices-dev")).toContainText(/floating/i);
  await page.getByTestId("cell-invoices-staging").getByRole("button", { name: "Promote invoices to staging" }).click();
  const dialog = page.getByTestId("promote-dialog");
  const confirmation = dialog.getByLabel("Yes, promote a floating version into staging");
  await expect(confirmation).not.toBeChecked();
  await expect(dialog.getByRole("button", { name: "Open change request" })).toBeDisabled();
  // Confirming re-plans: the confirmation gives way to the plan.
  await confirmation.click();
  await expect(dialog.getByTestId("plan-fields")).toContainText("latest");
  await expect(dialog.getByTestId("diff").locator('[data-line="add"]')).toContainText([/invoices:latest/]);
  await expect(dialog.getByRole("button", { name: "Open change request" })).toBeEnabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();
});
