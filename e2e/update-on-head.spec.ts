import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { DEMO, signInAs } from "./sign-in";

// Conflicts on the plain git provider, in the browser: a change whose base moved under its file is
// marked "conflict" in the matrix cell, on the Changes page and on the change page (with the new
// "Now"), the promote dialog says the base moved, and "Update this change on the current head"
// re-plans it on the same branch and says who did it on which commit. Uses indexer dev → staging in
// the fleet repository, which no other spec opens a change for.

const run = promisify(execFile);
const fleet = path.join(process.env.FERRY_E2E_DATA_DIR ?? "", "repos", "fleet");
const FILE = "apps/indexer/overlays/staging/kustomization.yaml";

async function commitOnMain(file: string, edit: (text: string) => string, message: string): Promise<string> {
  const absolute = path.join(fleet, file);
  await writeFile(absolute, edit(await readFile(absolute, "utf8")));
  const git = (args: string[]) => run("git", ["-C", fleet, "-c", "user.name=Olga Ops", "-c", "user.email=ops@acme.example", ...args]);
  await git(["commit", "-q", "-m", message, "--", file]);
  return (await git(["rev-parse", "HEAD"])).stdout.trim();
}

test("a change whose base moved under its file is marked conflict, and updating it on the current head clears it", async ({ page }) => {
  await signInAs(page, DEMO.searchDeveloper);
  const cell = page.getByTestId("cell-indexer-staging");
  await cell.getByRole("button", { name: "Promote indexer to staging" }).click();
  const dialog = page.getByTestId("promote-dialog");
  await expect(dialog.getByTestId("plan-fields")).toContainText("1.9.3");
  await dialog.getByRole("button", { name: "Open change request" }).click();
  await expect(dialog.getByTestId("promote-result")).toContainText(/Opened fleet#\d+/);
  const label = ((await dialog.getByTestId("promote-result").getByRole("link").first().textContent()) ?? "").trim();
  await dialog.getByRole("button", { name: "Close" }).first().click();

  // Someone changes the same line on main, outside Ferry; the repository is refreshed.
  const hotfix = await commitOnMain(FILE, (text) => text.replace("newTag: 1.9.3", "newTag: 1.9.4"), "hotfix indexer 1.9.4 in staging");
  await page.goto("/repositories");
  await page.getByTestId("repo-fleet").getByRole("button", { name: "Refresh" }).click();
  await expect(page.getByTestId("repo-fleet").getByRole("status")).toContainText("Synced");

  // The matrix cell and the Changes page mark it.
  await page.goto("/");
  await expect(cell.getByTestId("cell-conflict")).toHaveText("conflict");
  await page.goto("/changes");
  const row = page.getByTestId("changes").getByRole("row").filter({ hasText: label });
  await expect(row.getByTestId("change-conflict")).toHaveText("conflict");

  // The promote dialog says the open change was planned on an older base, and what "Now" is now.
  await page.goto("/");
  await cell.getByRole("button", { name: "Promote indexer to staging" }).click();
  const moved = dialog.getByTestId("promote-base-moved");
  await expect(moved).toContainText(`${label} was planned on`);
  await expect(moved).toContainText(hotfix.slice(0, 10));
  await expect(moved).toContainText('"Now" was 1.9.3 when it was planned, is 1.9.4 now');
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // The change page: conflict, the base that moved, the new Now, and the way out.
  await page.goto("/changes");
  await row.getByRole("link", { name: new RegExp(label) }).click();
  const notice = page.getByTestId("change-base-notice");
  await expect(notice.getByTestId("change-conflict")).toBeVisible();
  await expect(notice.getByTestId("change-base-moved")).toContainText(hotfix.slice(0, 10));
  await expect(notice.getByTestId("change-new-now")).toContainText("1.9.4");
  await notice.getByRole("button", { name: "Update this change on the current head" }).click();
  await expect(page.getByTestId("update-result")).toContainText(`Updated ${label} on ${hotfix.slice(0, 10)}`);

  // Same change, planned again on the hotfix: no conflict, the diff replaces 1.9.4, and the page says who updated it.
  await expect(page.getByTestId("change-base-notice")).toHaveCount(0);
  await expect(page.getByTestId("change-replanned")).toContainText(`Updated on ${hotfix.slice(0, 10)} by Sam Searcher`);
  await expect(page.getByTestId("diff").locator('[data-line="del"]')).toHaveText([/newTag: 1\.9\.4/]);
  await expect(page.getByTestId("diff").locator('[data-line="add"]')).toHaveText([/newTag: 2\.0\.0-rc\.1/]);
  await page.goto("/");
  await expect(cell.getByTestId("cell-conflict")).toHaveCount(0);
  await expect(cell.getByRole("link", { name: new RegExp(`${label} open`) })).toBeVisible();
});
