import { expect, test, type Page } from "@playwright/test";
import { oidcE2e } from "./oidc-e2e";

// Real sign-in in Chromium: the portal sends the browser to the OpenID provider, the person picks
// their account there, and comes back with the teams their groups map to (e2e/oidc/policy.csv).
const e2e = oidcE2e();

async function signInAtProvider(page: Page, name: string, start = "/"): Promise<void> {
  await page.goto(start);
  // No session: the portal's own sign-in page, offering the provider and no demo users.
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("form", { name: "Sign in as a demo user" })).toHaveCount(0);
  await page.getByRole("link", { name: `Sign in with ${e2e.label}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2e.issuer}/interaction/`));
  await page.getByRole("button", { name }).click();
  await expect(page.getByTestId("current-user")).toContainText(name);
}

test("a member of the payments group signs in at the provider, lands where they were going, and promotes a payments app", async ({ page }) => {
  await signInAtProvider(page, "Pat Payments", "/changes");
  expect(new URL(page.url()).pathname).toBe("/changes");

  await page.goto("/");
  const cell = page.getByTestId("cell-checkout-production");
  await expect(cell).toContainText("2.3.1");
  // Another team's apps offer nothing to Pat.
  await expect(page.getByRole("button", { name: /^Promote indexer/ })).toHaveCount(0);
  await cell.getByRole("button", { name: "Promote checkout to production" }).click();
  const dialog = page.getByTestId("promote-dialog");
  await expect(dialog.getByTestId("plan-fields")).toContainText("2.4.0");
  await dialog.getByRole("button", { name: "Open change request" }).click();
  await expect(dialog.getByTestId("promote-result")).toContainText(/Opened payments-gitops#\d+/);
  await dialog.getByRole("button", { name: "Close" }).first().click();

  await page.goto("/changes");
  await expect(page.getByTestId("changes").first()).toContainText("Pat Payments");
});

test("a person whose groups no rule maps signs in as a viewer and finds nothing writable", async ({ page }) => {
  await signInAtProvider(page, "Nel Nobody");
  await expect(page.getByTestId("cell-checkout-production")).toBeVisible();
  await expect(page.getByRole("button", { name: /Promote/ })).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Add app" })).toHaveCount(0);

  const forged = await page.request.post("/api/v1/promotions", {
    headers: { origin: e2e.portal, "content-type": "application/json" },
    data: { repository: "payments-gitops", app: "checkout", from: "staging", to: "production" },
  });
  expect(forged.status()).toBe(403);
  expect(((await forged.json()) as { error: string }).error).toBe("Nel Nobody is a viewer and cannot promote");
});

test("a platform admin from the admins' group sees who is in which team, through which group and rule", async ({ page }) => {
  await signInAtProvider(page, "Ada Admin", "/settings/people");
  await expect(page.getByRole("heading", { name: "People and teams" })).toBeVisible();
  await expect(page.getByTestId("policy-file")).toContainText("e2e/oidc/policy.csv (3 rules)");

  const pat = page.getByTestId("person-oidc:pat");
  await expect(pat.getByTestId("person-role")).toContainText("a developer");
  await expect(pat.getByTestId("person-teams")).toContainText("payments");
  await expect(pat.getByTestId("person-teams")).toContainText("group oidc:payments-devs, rule on line 3: g, oidc:payments-devs, team:payments");
  // The provider gave a refresh token at sign-in: the worker keeps the groups fresh from it.
  await expect(pat.getByTestId("person-groups-refreshed")).toHaveText(/^groups last refreshed .+, every 5 minutes$/);

  const nel = page.getByTestId("person-oidc:nel");
  await expect(nel.getByTestId("person-role")).toContainText("no rule of the policy file names any of their groups");
  await expect(nel.getByTestId("person-teams")).toHaveText("no team");

  const ada = page.getByTestId("person-oidc:ada");
  await expect(ada.getByTestId("person-role")).toContainText("group oidc:platform-admins, rule on line 2: g, oidc:platform-admins, role:admin");
});
