import { expect, test } from "@playwright/test";
import { DEMO, signInAs } from "./sign-in";

test("an anonymous visitor is sent to sign in, and back to the page they asked for", async ({ page }) => {
  await page.goto("/repositories");
  await expect(page).toHaveURL(/\/signin\?next=%2Frepositories/);
  await page.getByRole("button", { name: /Dana Developer/ }).click();
  await expect(page).toHaveURL(/\/repositories$/);
  await expect(page.getByTestId("current-user")).toContainText("Dana Developer");
});

test("a developer sees the demo repositories with their sync state", async ({ page }) => {
  await signInAs(page, DEMO.developer, "/repositories");
  await page.goto("/repositories");
  for (const name of ["platform", "payments-gitops", "fleet"]) {
    const row = page.getByTestId(`repo-${name}`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId("sync-state")).toContainText("synced");
    await expect(row.getByTestId("head-sha")).toHaveText(/^[0-9a-f]{10}$/);
  }
});

test("health reports the database and every repository", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const health = (await response.json()) as { status: string; database: { status: string }; repositories: { name: string; headSha: string | null }[] };
  expect(health.database.status).toBe("up");
  expect(health.repositories.map((r) => r.name).sort()).toEqual(["fleet", "payments-gitops", "platform"]);
  expect(health.repositories.every((r) => /^[0-9a-f]{40}$/.test(r.headSha ?? ""))).toBe(true);
});

test("a viewer is refused a write, in the UI and when forging the request", async ({ page, request }) => {
  await signInAs(page, DEMO.viewer, "/repositories");
  await page.goto("/repositories");
  await page.getByTestId("repo-fleet").getByRole("button", { name: "Refresh" }).click();
  await expect(page.getByTestId("repo-fleet").getByRole("status")).toContainText(/viewer/i);

  // The same write straight at the API with the viewer's session cookie.
  const forged = await page.request.post("/api/v1/repositories/fleet/sync", { headers: { origin: new URL(page.url()).origin } });
  expect(forged.status()).toBe(403);
  expect(((await forged.json()) as { error: string }).error).toMatch(/viewer/i);

  const anonymous = await request.post("/api/v1/repositories/fleet/sync");
  expect(anonymous.status()).toBe(401);
});

test("a developer can refresh a repository", async ({ page }) => {
  await signInAs(page, DEMO.developer, "/repositories");
  await page.goto("/repositories");
  await page.getByTestId("repo-payments-gitops").getByRole("button", { name: "Refresh" }).click();
  await expect(page.getByTestId("repo-payments-gitops").getByRole("status")).toContainText(/up to date|Synced/);
});
