import { expect, test, type Page } from "@playwright/test";
import { forgeUrls, GITHUB, GITLAB } from "./forges";

// Sign-in with GitHub and GitLab in the browser, at the forge test servers' OAuth pages: a GitHub
// team and a GitLab group (e2e/forges/policy.csv) make a developer of team payments; a GitLab user in
// no mapped group gets a viewer who can change nothing.
const urls = forgeUrls();

async function signInWith(page: Page, forge: "GitHub" | "GitLab", name: string): Promise<void> {
  await page.goto("/signin");
  await page.getByRole("link", { name: `Sign in with ${forge}` }).click();
  await expect(page.getByRole("heading", { name: "Authorize Ferry" })).toBeVisible();
  expect(page.url().startsWith(forge === "GitHub" ? new URL(urls.githubApi).origin : urls.gitlab)).toBe(true);
  await page.getByRole("button", { name }).click();
  await expect(page.getByTestId("current-user")).toContainText(name);
}

async function promoteLedger(page: Page, repository: string) {
  return page.request.post("/api/v1/promotions", {
    headers: { origin: urls.portal, "content-type": "application/json" },
    data: { repository, app: "ledger", from: "staging", to: "production" },
  });
}

test("a member of GitHub team acme/payments signs in with GitHub and may promote payments apps", async ({ page }) => {
  await signInWith(page, "GitHub", "Octo Pay");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Add app" })).toBeVisible();
  const answer = await promoteLedger(page, GITHUB.repository);
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toMatchObject({ ok: true });
});

test("a member of GitLab group acme/payments signs in with GitLab and may promote; one in no mapped group may not", async ({ page }) => {
  await signInWith(page, "GitLab", "Gwen GitLab");
  expect((await promoteLedger(page, GITLAB.repository)).status()).toBe(200);

  await page.context().clearCookies();
  await signInWith(page, "GitLab", "Olly Outsider");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Add app" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Promote/ })).toHaveCount(0);
  const refused = await promoteLedger(page, GITLAB.repository);
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: string }).error).toBe("Olly Outsider is a viewer and cannot promote");
});
