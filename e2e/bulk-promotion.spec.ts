import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, signInAs } from "./sign-in";

// Bulk promotion in the browser on the plain git demo: auth (fleet) and ingress-nginx (platform) to
// production, which no other spec promotes, plus search-api, which the planner refuses (its version sits
// in an inline patch): one dialog with the combined plan and diff per repository and the refusal's reason,
// one change request per repository; both matrix cells then show theirs, and each branch holds the
// promoted version. search-api's version is left as it is.

const run = promisify(execFile);
const repo = (name: string) => path.join(process.env.FERRY_E2E_DATA_DIR ?? "", "repos", name);

async function fileOnBranch(repository: string, branch: string, file: string): Promise<string> {
  return (await run("git", ["-C", repo(repository), "show", `${branch}:${file}`])).stdout;
}

async function branchOf(page: Page, label: string): Promise<string> {
  await page.goto("/changes");
  await page.getByTestId("changes").getByRole("link", { name: new RegExp(label) }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(label);
  const text = (await page.getByText(/ferry\/promote-bulk\/production-[0-9a-f]{8}/).first().textContent()) ?? "";
  const branch = text.match(/ferry\/promote-bulk\/production-[0-9a-f]{8}/)?.[0];
  if (!branch) throw new Error(`no bulk branch on the page of ${label}`);
  return branch;
}

test("select cells of two repositories, see the combined plan per repository, open one change request each, shown on the cells", async ({ page }) => {
  await signInAs(page, DEMO.admin);
  const auth = page.getByTestId("cell-auth-production");
  const ingress = page.getByTestId("cell-ingress-nginx-production");
  const search = page.getByTestId("cell-search-api-production");
  await auth.getByRole("checkbox", { name: "Bulk auth to production" }).check();
  await ingress.getByRole("checkbox", { name: "Bulk ingress-nginx to production" }).check();
  await search.getByRole("checkbox", { name: "Bulk search-api to production" }).check();
  const bar = page.getByTestId("bulk-bar");
  await expect(bar).toContainText("3 cells selected");
  await bar.getByRole("button", { name: "Plan promotion of selected" }).click();

  const dialog = page.getByTestId("bulk-dialog");
  const fleet = dialog.getByTestId("bulk-repo-fleet");
  const platform = dialog.getByTestId("bulk-repo-platform");
  await expect(fleet.getByTestId("bulk-cell-auth-production")).toHaveAttribute("data-status", "included");
  await expect(fleet.getByTestId("bulk-cell-auth-production")).toContainText("3.0.4 → 3.1.0");
  await expect(fleet.getByTestId("bulk-cell-search-api-production")).toHaveAttribute("data-status", "refused");
  await expect(fleet.getByTestId("bulk-cell-search-api-production")).toContainText("inline patch");
  await expect(platform.getByTestId("bulk-cell-ingress-nginx-production")).toHaveAttribute("data-status", "included");
  await expect(platform.getByTestId("bulk-cell-ingress-nginx-production")).toContainText("4.11.5 → 4.12.1");
  // One diff per repository.
  await expect(fleet.getByTestId("diff")).toHaveCount(1);
  await expect(fleet.getByTestId("diff").locator('[data-line="add"]').filter({ hasText: "newTag: 3.1.0" })).toHaveCount(1);
  await expect(platform.getByTestId("diff").locator('[data-line="add"]').filter({ hasText: "targetRevision: 4.12.1" })).toHaveCount(1);

  await dialog.getByRole("button", { name: "Open 2 change requests" }).click();
  const result = dialog.getByTestId("bulk-result");
  await expect(result).toContainText(/fleet: opened fleet#\d+/);
  await expect(result).toContainText(/platform: opened platform#\d+/);
  const fleetLabel = ((await result.getByRole("link", { name: /^fleet#/ }).textContent()) ?? "").trim();
  const platformLabel = ((await result.getByRole("link", { name: /^platform#/ }).textContent()) ?? "").trim();
  await dialog.getByRole("button", { name: "Close" }).first().click();

  // Each cell links to its repository's change; the refused one has none; the selection is cleared.
  await expect(auth.getByRole("link", { name: `${fleetLabel} open` })).toBeVisible();
  await expect(ingress.getByRole("link", { name: `${platformLabel} open` })).toBeVisible();
  await expect(search.getByRole("link", { name: / open$/ })).toHaveCount(0);
  await expect(bar).toContainText("Tick cells to promote several at once");

  // Each change's branch holds its promoted version (the git provider writes real commits).
  expect(await fileOnBranch("fleet", await branchOf(page, fleetLabel), "apps/auth/overlays/production/kustomization.yaml")).toMatch(/newTag: 3\.1\.0/);
  expect(await fileOnBranch("platform", await branchOf(page, platformLabel), "apps/ingress-nginx/production/application.yaml")).toMatch(/targetRevision: 4\.12\.1/);

  // "Everything behind production" for team identity now leaves auth out: it is in the open change.
  await page.goto("/");
  await bar.getByLabel("Environment to bring up to date").selectOption("production");
  await bar.getByLabel("Owner of the apps to bring up to date").selectOption("identity");
  await bar.getByRole("button", { name: "Plan", exact: true }).click();
  await expect(dialog.getByTestId("bulk-cell-auth-production")).toHaveAttribute("data-status", "open-change");
  await expect(dialog.getByTestId("bulk-cell-auth-production")).toContainText(`already has an open change from Ferry (${fleetLabel})`);
  await dialog.getByRole("button", { name: "Cancel" }).click();
});
