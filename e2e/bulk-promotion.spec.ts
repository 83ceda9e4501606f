import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { DEMO, signInAs } from "./sign-in";

// Bulk promotion in the browser on the plain git demo: two cells of two teams in the fleet repository
// (auth and search-api to production, which no other spec promotes) planned together, one combined
// diff, one change request; both matrix cells then show it, and its branch holds both promoted versions.

const run = promisify(execFile);
const fleet = path.join(process.env.FERRY_E2E_DATA_DIR ?? "", "repos", "fleet");

async function fileOnBranch(branch: string, file: string): Promise<string> {
  return (await run("git", ["-C", fleet, "show", `${branch}:${file}`])).stdout;
}

test("select two cells, see one combined plan and diff, open one change request shown on both cells", async ({ page }) => {
  await signInAs(page, DEMO.searchDeveloper);
  const auth = page.getByTestId("cell-auth-production");
  const search = page.getByTestId("cell-search-api-production");
  await auth.getByRole("checkbox", { name: "Select auth in production for a bulk promotion" }).check();
  await search.getByRole("checkbox", { name: "Select search-api in production for a bulk promotion" }).check();
  const bar = page.getByTestId("bulk-bar");
  await expect(bar).toContainText("2 cells selected");
  await bar.getByRole("button", { name: "Plan promotion of selected" }).click();

  const dialog = page.getByTestId("bulk-dialog");
  const repo = dialog.getByTestId("bulk-repo-fleet");
  await expect(repo.getByTestId("bulk-cell-auth-production")).toHaveAttribute("data-status", "included");
  await expect(repo.getByTestId("bulk-cell-auth-production")).toContainText("3.0.4 → 3.1.0");
  await expect(repo.getByTestId("bulk-cell-search-api-production")).toHaveAttribute("data-status", "included");
  await expect(repo.getByTestId("bulk-cell-search-api-production")).toContainText("1.3.2 → 1.4.0");
  // One diff for the repository, touching both apps' files.
  const diff = repo.getByTestId("diff");
  await expect(diff).toHaveCount(1);
  await expect(diff.locator('[data-line="add"]').filter({ hasText: "newTag: 3.1.0" })).toHaveCount(1);
  await expect(diff.locator('[data-line="add"]').filter({ hasText: '"1.4.0"' })).toHaveCount(1);

  await dialog.getByRole("button", { name: "Open 1 change request" }).click();
  const result = dialog.getByTestId("bulk-result");
  await expect(result).toContainText(/fleet: opened fleet#\d+/);
  const label = ((await result.getByRole("link").first().textContent()) ?? "").trim();
  await dialog.getByRole("button", { name: "Close" }).first().click();

  // Both cells link to the one open change, the selection is cleared.
  await expect(auth.getByRole("link", { name: `${label} open` })).toBeVisible();
  await expect(search.getByRole("link", { name: `${label} open` })).toBeVisible();
  await expect(bar).toContainText("Tick cells to promote several at once");

  // The change's branch holds both promoted versions (the git provider writes real commits).
  await auth.getByRole("link", { name: `${label} open` }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Promote 2 cells to production");
  const branch = ((await page.getByText(/ferry\/promote-bulk\/production-[0-9a-f]{8}/).first().textContent()) ?? "").match(/ferry\/promote-bulk\/production-[0-9a-f]{8}/)?.[0];
  expect(branch).toBeTruthy();
  expect(await fileOnBranch(branch!, "apps/auth/overlays/production/kustomization.yaml")).toMatch(/newTag: 3\.1\.0/);
  expect(await fileOnBranch(branch!, "apps/production/search-api/kustomization.yaml")).toContain("1.4.0");

  // "Everything behind production" for team identity now leaves auth out: it is in the open change.
  await page.goto("/");
  await bar.getByLabel("Environment to bring up to date").selectOption("production");
  await bar.getByLabel("Team").selectOption("identity");
  await bar.getByRole("button", { name: "Plan", exact: true }).click();
  await expect(dialog.getByTestId("bulk-cell-auth-production")).toHaveAttribute("data-status", "open-change");
  await expect(dialog.getByTestId("bulk-cell-auth-production")).toContainText(`already has an open change from Ferry (${label})`);
  await dialog.getByRole("button", { name: "Cancel" }).click();
});
