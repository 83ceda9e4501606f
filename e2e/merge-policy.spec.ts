import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { confirmReview } from "./review";
import { DEMO, signInAs } from "./sign-in";

// Issue #12: the merge decision cannot be walked around, and the portal's edges hold. Uses only fleet's
// sessions and profile, which no other spec promotes.

async function promote(page: Page, request: APIRequestContext, data: Record<string, string>): Promise<number> {
  const response = await request.post("/api/v1/promotions", { headers: { origin: new URL(page.url()).origin, "content-type": "application/json" }, data: { repository: "fleet", ...data } });
  const body = (await response.json()) as { ok: boolean; change?: { id: number } };
  expect(body, JSON.stringify(body)).toMatchObject({ ok: true, change: { id: expect.any(Number) } });
  return body.change!.id;
}

test("an admin cannot merge their own promotion into production: a second person must", async ({ page }) => {
  await signInAs(page, DEMO.admin);
  const id = await promote(page, page.request, { app: "sessions", from: "staging", to: "production" });
  await page.goto(`/changes/${id}`);
  await expect(page.getByTestId("merge-refusal")).toContainText("Alex Admin authored this change, which alters production: a protected environment needs a second person to merge it");
  await expect(page.getByRole("button", { name: "Merge…", exact: true })).toHaveCount(0);
  // Withdrawing it is still the author's to do.
  await confirmReview(page, "close");
  await expect(page.getByTestId("change-state")).toHaveText("closed");
});

test("a merge is refused when the change was updated after the reviewer opened it", async ({ page, browser }) => {
  // Sam (team identity) promotes sessions to production; Alex opens the change to review it.
  const sam = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const samPage = await sam.newPage();
  await signInAs(samPage, DEMO.searchDeveloper);
  const id = await promote(samPage, samPage.request, { app: "sessions", from: "staging", to: "production" });
  await signInAs(page, DEMO.admin, `/changes/${id}`);
  await page.goto(`/changes/${id}`);
  await expect(page.getByRole("button", { name: "Merge…", exact: true })).toBeVisible();

  // Meanwhile fleet's main moves (another change merged), and Sam promotes again: the branch is rebuilt.
  const other = await promote(samPage, samPage.request, { app: "profile", from: "dev", to: "staging" });
  const second = await page.context().newPage();
  await second.goto(`/changes/${other}`);
  await confirmReview(second, "merge");
  await expect(second.getByTestId("change-state")).toHaveText("merged");
  expect(await promote(samPage, samPage.request, { app: "sessions", from: "staging", to: "production" })).toBe(id);

  // The page Alex has open shows the old commit: merging it is refused, and nothing is merged.
  await confirmReview(page, "merge");
  await expect(page.getByRole("alert").filter({ hasText: "The change was updated after you opened it: review it again" })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("change-state")).toHaveText("open");
  // Reviewed again: the current version merges.
  await confirmReview(page, "merge");
  await expect(page.getByTestId("change-state")).toHaveText("merged");
  await sam.close();
});

// The security headers and the Content-Security-Policy: e2e/content-security-policy.spec.ts.

test("signing in with a non-ASCII return path lands there instead of failing", async ({ page }) => {
  // "€" is outside Latin-1: as a raw Location header it made the sign-in answer 500; "ö" came back as Latin-1 (%F6).
  await page.goto(`/signin?next=${encodeURIComponent("/changes?q=größe€")}`);
  await page.getByRole("button", { name: new RegExp(DEMO.developer) }).click();
  await expect(page).toHaveURL(/\/changes\?q=gr%C3%B6%C3%9Fe%E2%82%AC$/);
  await expect(page.getByTestId("current-user")).toContainText(DEMO.developer);
});

test("server paths on the Repositories page are for platform admins", async ({ page }) => {
  await signInAs(page, DEMO.viewer, "/repositories");
  await page.goto("/repositories");
  await expect(page.locator("main")).toContainText("local repository on the Ferry server");
  await expect(page.locator("main")).not.toContainText("/repos/fleet");
  await signInAs(page, DEMO.admin, "/repositories");
  await page.goto("/repositories");
  await expect(page.locator("main")).toContainText("/repos/fleet");
});
