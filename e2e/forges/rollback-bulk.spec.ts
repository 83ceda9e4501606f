import { expect, test, type Page } from "@playwright/test";
import { DEMO, signInAs } from "../sign-in";
import { ci, control, filesChangedOnForge, matrixRow, mergeOnForge, openOnForge } from "./forge-control";
import { forgeUrls, GITHUB, GITLAB, type Forge, type Violations } from "./forges";

// Rollback and bulk promotion in the browser against each forge's spec-validated test server. Dana
// rolls checkout in staging back to 2.3.1 from the cell's history: a real pull/merge request on the
// forge (the cell's one file, the promotion branch, a body linking the change page), which a reviewer
// merges there; the webhook brings it back and the cell runs 2.3.1, pinned by the rollback. Then she
// promotes two cells at once — checkout to staging (moving it off its pin, which she must confirm) and
// invoices to production — in one change request holding both files; merged on the forge, both cells
// run the new versions and the pin is gone. Runs after promotion.spec.ts and leaves ledger, which
// sign-in.spec.ts promotes, as it found it.

const urls = forgeUrls();
const ROLLBACK_BRANCH = "ferry/promote/checkout/staging";
const STAGING_FILE = "apps/checkout/staging/deployment.yaml";
const INVOICES_FILE = "apps/invoices/production/deployment.yaml";

const FORGES: { forge: Forge; repository: string; mark: string }[] = [
  { forge: "github", repository: GITHUB.repository, mark: "#" },
  { forge: "gitlab", repository: GITLAB.repository, mark: "!" },
];

/** The change page's id from the dialog's "Opened <label>" link. */
async function changeId(page: Page, link: ReturnType<Page["getByRole"]>): Promise<number> {
  const href = (await link.getAttribute("href")) ?? "";
  const id = Number(href.match(/^\/changes\/(\d+)$/)?.[1]);
  expect(id, `change page link ${href}`).toBeGreaterThan(0);
  return id;
}

/** The matrix after the forge's webhooks: reloaded until the cell shows `text` (the sync runs in a job). */
async function matrixShows(page: Page, cell: ReturnType<Page["getByTestId"]>, text: string): Promise<void> {
  await page.goto("/");
  await expect(async () => {
    await page.reload();
    await expect(cell).toContainText(text, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
}

for (const f of FORGES) {
  test(`${f.forge}: roll a cell back from its history, then promote two cells in one change request; both merged on the forge`, async ({ page }) => {
    // Two change requests opened and merged, each through webhook → job → sync.
    test.setTimeout(180_000);
    await signInAs(page, DEMO.developer);
    const checkout = matrixRow(page, f.repository, "checkout");
    const staging = checkout.getByTestId("cell-checkout-staging");
    const invoicesProduction = matrixRow(page, f.repository, "invoices").getByTestId("cell-invoices-production");
    await expect(staging).toContainText("2.4.0");
    await expect(invoicesProduction).toContainText("0.8.3");
    expect(await openOnForge(f.forge, ROLLBACK_BRANCH)).toEqual([]);

    // ---- roll checkout in staging back to 2.3.1 from its history ----
    const popover = page.getByTestId("history-popover");
    const entries = popover.getByTestId("history-entry");
    // The worker reads the history from the forge clone in a job after the first sync.
    await expect(async () => {
      await page.goto("/");
      await staging.getByRole("button", { name: "History of checkout in staging" }).click();
      await expect(entries).toHaveCount(2, { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(entries.nth(0)).toContainText("2.4.0");
    await expect(entries.nth(0)).toContainText("Liam O'Connor");
    await expect(entries.nth(1)).toContainText("2.3.1");
    await entries.nth(1).getByRole("button", { name: "Roll back checkout in staging to 2.3.1" }).click();
    const dialog = page.getByTestId("promote-dialog");
    await expect(dialog).toContainText(`repository ${f.repository}`);
    await dialog.getByRole("checkbox", { name: "Yes, roll staging back to the older version" }).click();
    await expect(dialog.getByTestId("diff").locator('[data-line="add"]')).toHaveText([/^\+\s+image: ghcr.io\/acme\/checkout:2.3.1$/]);
    await dialog.getByRole("textbox", { name: /Why roll back/ }).fill("2.4.0 fails 3-D Secure in staging");
    await dialog.getByRole("button", { name: "Open change request" }).click();
    const result = dialog.getByTestId("promote-result");
    await expect(result).toContainText(new RegExp(`Opened ${f.repository}[${f.mark}]\\d+`));
    const rollbackId = await changeId(page, result.getByRole("link").first());

    // On the forge: one change request from the promotion branch, changing the cell's one file, linking its page.
    const [rollback, ...more] = await openOnForge(f.forge, ROLLBACK_BRANCH);
    expect(more).toEqual([]);
    if (!rollback) throw new Error("no rollback change request on the forge");
    await expect(result).toContainText(`Opened ${f.repository}${f.mark}${rollback.number}`);
    expect(await filesChangedOnForge(f.forge, ROLLBACK_BRANCH)).toEqual([STAGING_FILE]);
    expect(rollback.body).toContain(`(${urls.portal}/changes/${rollbackId})`);
    expect(rollback.body).toContain("## Roll back `checkout` in staging to what it ran at");
    expect(rollback.body).toMatch(/\| `apps\/checkout\/staging\/deployment.yaml` \| `2.4.0` \| `2.3.1` \|/);
    await dialog.getByRole("button", { name: "Close" }).first().click();

    // The matrix: the cell is pinned and links its open change.
    const rollbackLabel = `${f.repository}${f.mark}${rollback.number}`;
    await expect(staging.getByTestId("pin-badge")).toHaveText(/pinned by rollback/i);
    await expect(staging.getByRole("link", { name: `${rollbackLabel} open` })).toBeVisible();

    // A reviewer merges it on the forge once CI passed; the webhooks bring the merge back.
    await ci(f.forge, "success");
    await mergeOnForge(f.forge, rollback.number, rollback.headSha);
    await matrixShows(page, staging, "2.3.1");
    await expect(staging).not.toContainText("2.4.0");
    await expect(staging.getByTestId("pin-badge")).toHaveText(/pinned by rollback/i);
    await expect(staging.getByRole("link", { name: /open$/ })).toHaveCount(0);

    // ---- bulk: checkout to staging (off its pin) and invoices to production, one change request ----
    await staging.getByRole("checkbox", { name: "Bulk checkout to staging" }).check();
    await invoicesProduction.getByRole("checkbox", { name: "Bulk invoices to production" }).check();
    const bar = page.getByTestId("bulk-bar");
    await expect(bar).toContainText("2 cells selected");
    await bar.getByRole("button", { name: "Plan promotion of selected" }).click();
    const bulk = page.getByTestId("bulk-dialog");
    const section = bulk.getByTestId(`bulk-repo-${f.repository}`);
    const pinned = section.getByTestId("bulk-cell-checkout-staging");
    await expect(pinned).toHaveAttribute("data-status", "needs-confirmation");
    await expect(section.getByTestId("bulk-cell-invoices-production")).toHaveAttribute("data-status", "included");
    await expect(section.getByTestId("bulk-cell-invoices-production")).toContainText("0.8.3 → 0.9.0");
    // Ticking it plans again with the confirmation: the question gives way to the cell in the plan.
    await pinned.getByRole("checkbox", { name: "Yes, move it off its rollback pin (and clear the pin)" }).click();
    await expect(pinned).toHaveAttribute("data-status", "included");
    await expect(pinned).toContainText("2.3.1 → 2.4.0");
    const combined = section.getByTestId("diff");
    await expect(combined).toHaveCount(1);
    await expect(combined.locator('[data-line="add"]')).toHaveText([/^\+\s+image: ghcr.io\/acme\/checkout:2.4.0$/, /^\+\s+image: ghcr.io\/acme\/invoices:0.9.0$/]);
    await bulk.getByRole("button", { name: "Open 1 change request" }).click();
    const bulkResult = bulk.getByTestId("bulk-result");
    await expect(bulkResult).toContainText(new RegExp(`${f.repository}: opened ${f.repository}[${f.mark}]\\d+`));
    const bulkLink = bulkResult.getByRole("link", { name: new RegExp(`^${f.repository}[${f.mark}]`) });
    const bulkLabel = ((await bulkLink.textContent()) ?? "").trim();
    const bulkId = await changeId(page, bulkLink);

    // On the forge: one change request from the selection's branch with both files, linking its page.
    await page.goto(`/changes/${bulkId}`);
    const branch = ((await page.getByText(/ferry\/promote-bulk\/production-staging-[0-9a-f]{8}/).first().textContent()) ?? "").match(/ferry\/promote-bulk\/production-staging-[0-9a-f]{8}/)?.[0];
    if (!branch) throw new Error(`no bulk branch on the page of ${bulkLabel}`);
    const [combinedChange, ...others] = await openOnForge(f.forge, branch);
    expect(others).toEqual([]);
    if (!combinedChange) throw new Error(`no change request from ${branch} on the forge`);
    expect(bulkLabel).toBe(`${f.repository}${f.mark}${combinedChange.number}`);
    expect(combinedChange.title).toBe("Promote 2 cells to staging, production: checkout, invoices");
    expect(await filesChangedOnForge(f.forge, branch)).toEqual([STAGING_FILE, INVOICES_FILE].sort());
    expect(combinedChange.body).toContain(`(${urls.portal}/changes/${bulkId})`);

    // The matrix: both cells link the one change; the pin is cleared.
    await page.goto("/");
    await expect(staging.getByRole("link", { name: `${bulkLabel} open` })).toBeVisible();
    await expect(invoicesProduction.getByRole("link", { name: `${bulkLabel} open` })).toBeVisible();
    await expect(staging.getByTestId("pin-badge")).toHaveCount(0);

    // Merged on the forge: both cells run the new versions, with no open change.
    await ci(f.forge, "success");
    await mergeOnForge(f.forge, combinedChange.number, combinedChange.headSha);
    await matrixShows(page, invoicesProduction, "0.9.0");
    await expect(staging).toContainText("2.4.0");
    await expect(staging).not.toContainText("2.3.1");
    await expect(invoicesProduction).not.toContainText("0.8.3");
    await expect(staging.getByRole("link", { name: /open$/ })).toHaveCount(0);
    await expect(invoicesProduction.getByRole("link", { name: /open$/ })).toHaveCount(0);

    // Every request and response was valid against GitHub's OpenAPI description / GitLab's documented shapes.
    expect((await control<Violations>("/violations"))[f.forge]).toEqual([]);
  });
}
