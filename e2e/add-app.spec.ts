import { expect, test } from "@playwright/test";
import { confirmReview } from "./review";
import { DEMO, signInAs } from "./sign-in";

test("a developer adds an app to her team's repository, an admin merges, the row appears in the matrix", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.getByRole("link", { name: "Add app" }).click();
  const form = page.getByTestId("app-form");
  await form.getByLabel("Repository").selectOption("payments-gitops");
  await form.getByLabel("App name").fill("refunds");
  await form.getByLabel("Image").fill("ghcr.io/acme/refunds:1.0.0");
  await form.getByLabel("Tag", { exact: true }).fill("1.0.0");
  await form.getByRole("button", { name: "Preview" }).click();
  // Each field says what is wrong with it.
  await expect(form.getByTestId("error-image")).toContainText("must not contain a tag");

  await form.getByLabel("Image").fill("ghcr.io/acme/refunds");
  await form.getByRole("button", { name: "Preview" }).click();
  const preview = form.getByTestId("scaffold-preview");
  await expect(preview).toContainText("apps/refunds/production/deployment.yaml");
  await expect(preview).toContainText("argocd/refunds-production.yaml");
  await expect(preview).toContainText("image: ghcr.io/acme/refunds:1.0.0");
  // The plan says which reconciler will deploy each environment's files.
  await expect(preview.getByTestId("scaffold-notes")).toContainText("production: apps/refunds/production is deployed by argocd/refunds-production.yaml.");
  await form.getByRole("button", { name: "Open change request" }).click();
  await expect(form.getByTestId("scaffold-result")).toContainText(/Opened change #\d+/);
  await form.getByTestId("scaffold-result").getByRole("link").click();
  await expect(page.getByRole("heading", { name: /Add app refunds/ })).toBeVisible();
  const changeUrl = page.url();

  await signInAs(page, DEMO.admin);
  await page.goto(changeUrl);
  await confirmReview(page, "merge");
  await expect(page.getByTestId("change-state")).toHaveText("merged");

  await page.goto("/");
  await expect(page.getByTestId("row-refunds")).toBeVisible();
  await expect(page.getByTestId("cell-refunds-production")).toContainText("1.0.0");
});

test("adding an app that exists links to it; another team's developer is refused", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await page.goto("/apps/new");
  const form = page.getByTestId("app-form");
  await form.getByLabel("Repository").selectOption("payments-gitops");
  await form.getByLabel("App name").fill("checkout");
  await form.getByLabel("Image").fill("ghcr.io/acme/checkout");
  await form.getByLabel("Tag", { exact: true }).fill("9.9.9");
  await form.getByRole("button", { name: "Preview" }).click();
  await expect(form.getByTestId("scaffold-plan-refused").getByRole("link", { name: /payments-gitops/ })).toHaveAttribute("href", "/apps/payments-gitops/checkout");

  const forged = await page.request.post("/api/v1/apps", {
    headers: { origin: new URL(page.url()).origin, "content-type": "application/json" },
    data: { repository: "fleet", name: "intruder", team: "identity", image: "ghcr.io/acme/x", tag: "1.0.0", port: 8080, environments: ["dev"] },
  });
  expect(forged.status()).toBe(403);
});
