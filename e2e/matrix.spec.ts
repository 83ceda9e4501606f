import { expect, test } from "@playwright/test";
import { DEMO, signInAs } from "./sign-in";

test.beforeEach(async ({ page }) => {
  await signInAs(page, DEMO.developer);
});

test("the demo repositories show as a matrix of teams, apps and environments", async ({ page }) => {
  await page.goto("/");
  const matrix = page.getByTestId("matrix");
  await expect(matrix.locator("thead th")).toHaveText(["App", "dev", "staging", /production/]);
  for (const app of ["checkout", "ledger", "invoices", "auth", "profile", "sessions", "search-api", "indexer", "ingress-nginx"]) {
    await expect(page.getByTestId(`row-${app}`)).toBeVisible();
  }
  await expect(matrix.getByRole("columnheader", { name: /production/ })).toContainText("protected");
  await expect(matrix.getByText("Team payments")).toBeVisible();

  // Versions differ per environment, and drift says which way.
  await expect(page.getByTestId("cell-checkout-dev")).toContainText("2.4.0");
  await expect(page.getByTestId("cell-checkout-production")).toContainText("2.3.1");
  await expect(page.getByTestId("cell-checkout-production")).toContainText("behind staging");
  await expect(page.getByTestId("cell-ledger-production")).not.toContainText("behind");
  await expect(page.getByTestId("cell-invoices-dev")).toContainText(/floating/i);
  await expect(page.getByTestId("cell-search-api-production")).toContainText("search-api@1.3.2");
  await expect(page.getByTestId("cell-profile-production")).toContainText("sha256:");
  // Who changed it last, from git history.
  await expect(page.getByTestId("cell-checkout-staging")).toContainText("Liam O'Connor");
});

test("filters live in the URL, so a link reproduces the view", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Team").selectOption("search");
  await expect(page).toHaveURL(/team=search/);
  await expect(page.getByTestId("row-indexer")).toBeVisible();
  await expect(page.getByTestId("row-checkout")).toHaveCount(0);

  await page.goto("/?drift=1&env=production");
  await expect(page.getByTestId("row-ledger")).toHaveCount(0);
  await expect(page.getByTestId("row-checkout")).toBeVisible();
  await expect(page.getByTestId("matrix").locator("thead th")).toHaveText(["App", /production/]);

  await page.goto("/?q=ingress");
  await expect(page.getByTestId("row-ingress-nginx")).toBeVisible();
  await expect(page.getByTestId("row-auth")).toHaveCount(0);
});

test("cells are keyboard navigable", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator('[data-keyboard="ready"]')).toBeVisible();
  await page.getByTestId("cell-checkout-dev").focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("cell-checkout-staging")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByTestId("cell-invoices-staging")).toBeFocused();
});

test("an app page shows the files and fields behind each version and recent commits", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "auth", exact: true }).click();
  await expect(page.getByRole("heading", { name: "auth", level: 1 })).toBeVisible();
  const dev = page.getByTestId("env-dev");
  await expect(dev).toContainText("apps/auth/overlays/dev/kustomization.yaml");
  await expect(dev).toContainText("3.2.0");
  await expect(page.getByRole("heading", { name: "Recent commits" })).toBeVisible();
  await expect(page.getByTestId("recent-commits")).toContainText("fluxcdbot");
});
