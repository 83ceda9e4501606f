import { expect, test } from "@playwright/test";
import { confirmReview } from "./review";
import { DEMO, signInAs } from "./sign-in";

test("an admin onboards a tenant, merges the change, and the team appears in the matrix", async ({ page }) => {
  await signInAs(page, DEMO.admin);
  await page.getByRole("link", { name: "Onboard tenant" }).click();
  await expect(page.getByRole("heading", { name: "Onboard tenant" })).toBeVisible();
  const form = page.getByTestId("tenant-form");

  // A hostile name is refused inline, with what is wrong.
  await form.getByLabel("Name", { exact: true }).fill("Billing");
  await form.getByLabel("Display name").fill("Billing & Invoicing");
  await form.getByLabel("Owners").fill("alex, dana@ferry.example");
  await form.getByLabel("Repository", { exact: true }).selectOption("payments-gitops");
  await form.getByRole("button", { name: "Preview" }).click();
  await expect(form.getByTestId("error-name")).toContainText('must be lowercase: use "billing"');

  await form.getByLabel("Name", { exact: true }).fill("billing");
  await form.getByRole("button", { name: "Preview" }).click();
  const preview = form.getByTestId("scaffold-preview");
  await expect(preview).toContainText("argocd/projects/billing.yaml");
  await expect(preview).toContainText("tenants/billing/namespaces.yaml");
  await expect(preview).toContainText("namespace: billing-production");
  await expect(preview).toContainText('description: "Billing & Invoicing"');

  await form.getByRole("button", { name: "Open change request" }).click();
  await expect(form.getByTestId("scaffold-result")).toContainText(/Opened change #\d+/);
  await form.getByTestId("scaffold-result").getByRole("link").click();
  await expect(page.getByRole("heading", { name: /Onboard tenant billing/ })).toBeVisible();

  // Admins may merge their own change (four eyes has an admin escape hatch).
  await confirmReview(page, "merge");
  await expect(page.getByTestId("change-state")).toHaveText("merged");

  await page.goto("/");
  await expect(page.getByLabel("Team").locator("option", { hasText: "billing" })).toHaveCount(1);

  // Onboarding it again is refused with where it is.
  await page.goto("/tenants/new");
  await form.getByLabel("Name", { exact: true }).fill("billing");
  await form.getByLabel("Display name").fill("Billing");
  await form.getByLabel("Owners").fill("alex");
  await form.getByRole("button", { name: "Preview" }).click();
  await expect(form.getByTestId("scaffold-plan-refused")).toContainText("already exists");
  await expect(form.getByTestId("scaffold-plan-refused")).toContainText("platform: tenants/billing/");
});

test("a developer cannot reach tenant onboarding, and the server refuses a forged request", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  await expect(page.getByRole("link", { name: "Onboard tenant" })).toHaveCount(0);
  await page.goto("/tenants/new");
  await expect(page.getByTestId("scaffold-refusal")).toContainText("only platform admins may");
  await expect(page.getByTestId("tenant-form")).toHaveCount(0);

  const forged = await page.request.post("/api/v1/tenants", {
    headers: { origin: new URL(page.url()).origin, "content-type": "application/json" },
    data: {
      repository: "platform",
      name: "sneaky",
      displayName: "Sneaky",
      owners: ["dana"],
      environments: [{ name: "dev", cluster: "https://kubernetes.default.svc", namespace: "sneaky-dev" }],
      apps: { repository: "payments-gitops", path: "sneaky" },
    },
  });
  expect(forged.status()).toBe(403);
  expect(((await forged.json()) as { error: string }).error).toMatch(/only platform admins/);
});
