import { expect, test, type Page } from "@playwright/test";
import { DEMO, signInAs } from "../sign-in";
import { ci, control, matrixRow, openOnForge, served } from "./forge-control";
import { forgeUrls, GITHUB, GITLAB, type Forge, type Violations } from "./forges";

// "Merge when ready" in the browser against each forge's spec-validated test server: Dana opens a change
// request for checkout in production — a rollback to 2.3.1 from the cell's history — while the forge's
// required CI is still running; Alex, a platform admin (production is protected, and its changes need a
// second person to merge), turns on "Merge when ready" on its change page. The page says auto-merge is on
// and who turned it on; nobody merges.
// CI passes on the forge → the forge merges by itself (GitHub auto-merge, GitLab merge when pipeline
// succeeds) and delivers its webhooks → the change page's rollout timeline shows it merged without a
// reload, the page (reloaded) says the forge merged it with auto-merge turned on by Alex, and the
// matrix cell runs 2.3.1.
//
// Named to run last: it rolls back what promotion.spec.ts promoted (checkout production 2.3.1 → 2.4.0,
// the only cell with a history to go back in once the other specs ran), and leaves it pinned.

const urls = forgeUrls();
const BRANCH = "ferry/promote/checkout/production";

const FORGES: { forge: Forge; repository: string; mark: string; name: string; changeUrl: (n: number) => string }[] = [
  { forge: "github", repository: GITHUB.repository, mark: "#", name: "GitHub", changeUrl: (n) => `${urls.githubRepository}/pull/${n}` },
  { forge: "gitlab", repository: GITLAB.repository, mark: "!", name: "GitLab", changeUrl: (n) => `${urls.gitlabProject}/-/merge_requests/${n}` },
];

/** The change page's id from the dialog's "Opened <label>" link. */
async function changeId(page: Page, link: ReturnType<Page["getByRole"]>): Promise<number> {
  const href = (await link.getAttribute("href")) ?? "";
  const id = Number(href.match(/^\/changes\/(\d+)$/)?.[1]);
  expect(id, `change page link ${href}`).toBeGreaterThan(0);
  return id;
}

for (const f of FORGES) {
  test(`${f.forge}: "Merge when ready" on the change page; the forge merges once CI passes, and the page and the matrix follow`, async ({ page }) => {
    test.setTimeout(150_000);
    // Counted from here: sign-in.spec.ts's browser visits the forge's own pages (and asks them for a favicon).
    const violationsBefore = (await control<Violations>("/violations"))[f.forge].length;
    await signInAs(page, DEMO.developer);
    const production = matrixRow(page, f.repository, "checkout").getByTestId("cell-checkout-production");
    await expect(production).toContainText("2.4.0");
    expect(await openOnForge(f.forge, BRANCH)).toEqual([]);

    // ---- Dana rolls checkout in production back to 2.3.1 from its history ----
    const entries = page.getByTestId("history-popover").getByTestId("history-entry");
    const older = entries.filter({ hasText: "2.3.1" }).first();
    await expect(async () => {
      await page.goto("/");
      await production.getByRole("button", { name: "History of checkout in production" }).click();
      await expect(older).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await older.getByRole("button", { name: "Roll back checkout in production to 2.3.1" }).click();
    const dialog = page.getByTestId("promote-dialog");
    await expect(dialog).toContainText(`repository ${f.repository}`);
    await dialog.getByRole("checkbox", { name: "Yes, roll production back to the older version" }).click();
    await expect(dialog.getByTestId("diff").locator('[data-line="add"]')).toHaveText([/^\+\s+image: ghcr.io\/acme\/checkout:2.3.1$/]);
    await dialog.getByRole("textbox", { name: /Why roll back/ }).fill("2.4.0 doubles card declines");
    await dialog.getByRole("button", { name: "Open change request" }).click();
    const result = dialog.getByTestId("promote-result");
    await expect(result).toContainText(new RegExp(`Opened ${f.repository}[${f.mark}]\\d+`));
    const id = await changeId(page, result.getByRole("link").first());
    const [opened, ...more] = await openOnForge(f.forge, BRANCH);
    expect(more).toEqual([]);
    if (!opened) throw new Error("no change request on the forge");
    const label = `${f.repository}${f.mark}${opened.number}`;
    // The forge's CI starts on the new head: a required gate that is pending.
    await ci(f.forge, "pending", BRANCH);

    // ---- Alex on the change page: gates pending, so Merge is refused and "Merge when ready" is offered ----
    await page.context().clearCookies();
    await signInAs(page, DEMO.admin, `/changes/${id}`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(label);
    await expect(page.getByTestId("change-state")).toHaveText("open");
    const gates = page.getByTestId("merge-gates");
    await expect(gates.getByTestId("merge-gate").filter({ hasText: f.forge === "github" ? "build" : "Pipeline #" })).toHaveAttribute("data-state", "pending");
    await expect(gates.getByTestId("merge-gates-verdict")).toHaveText("1 required gate not passed yet: Ferry will not merge until it passes.");
    const autoMerge = page.getByTestId("auto-merge");
    await expect(autoMerge.getByTestId("auto-merge-on")).toHaveCount(0);
    await autoMerge.getByRole("button", { name: "Merge when ready…" }).click();
    await expect(autoMerge.getByRole("status")).toContainText(`Turn on ${f.name}'s auto-merge for ${opened.headSha.slice(0, 10)}?`);
    const beforeOn = (await served(f.forge)).length;
    await autoMerge.getByRole("button", { name: "Turn on auto-merge" }).click();

    // Queued: the page says so, and who asked; the forge holds it and nothing merged.
    await expect(autoMerge.getByTestId("auto-merge-on")).toContainText(`Auto-merge is on: ${f.name} merges commit ${opened.headSha.slice(0, 10)} once its required gates pass.`);
    await expect(autoMerge.getByTestId("auto-merge-by")).toHaveText(DEMO.admin);
    await expect(autoMerge.getByRole("button", { name: "Cancel auto-merge" })).toBeVisible();
    await expect(page.getByTestId("change-state")).toHaveText("open");
    const timeline = page.getByTestId("rollout-timeline");
    await expect(timeline.locator('[data-step="merged"]')).toHaveAttribute("data-done", "false");
    // Asked of the forge (GitHub: the enablePullRequestAutoMerge mutation; GitLab: merge with
    // merge_when_pipeline_succeeds), which keeps it open while CI runs.
    expect((await served(f.forge)).slice(beforeOn).filter((r) => r.method !== "GET" && !r.git).length).toBeGreaterThan(0);
    expect(await openOnForge(f.forge, BRANCH)).toHaveLength(1);

    // ---- CI passes: the forge merges by itself and delivers its webhooks ----
    await ci(f.forge, "success", BRANCH);
    await expect.poll(async () => (await openOnForge(f.forge, BRANCH)).length, { timeout: 20_000 }).toBe(0);
    // The change page follows without a reload: its rollout timeline re-reads the portal's cache.
    await expect(timeline.locator('[data-step="merged"]')).toHaveAttribute("data-done", "true", { timeout: 30_000 });
    await page.reload();
    await expect(page.getByTestId("change-state")).toHaveText("merged");
    await expect(page.getByTestId("change-merged")).toContainText(`by ${f.name} (auto-merge turned on by ${DEMO.admin})`);
    await expect(page.getByTestId("auto-merge")).toHaveCount(0);
    await expect(page.getByRole("link", { name: "open on the forge" })).toHaveAttribute("href", f.changeUrl(opened.number));

    // The matrix: production runs 2.3.1, pinned by the rollback, with no open change.
    await page.goto("/");
    await expect(async () => {
      await page.reload();
      await expect(production).toContainText("2.3.1", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(production.getByTestId("pin-badge")).toHaveText(/pinned by rollback/i);
    await expect(production.getByRole("link", { name: /open$/ })).toHaveCount(0);

    // Every request and response was valid against GitHub's OpenAPI description / GitLab's documented shapes.
    expect((await control<Violations>("/violations"))[f.forge].slice(violationsBefore)).toEqual([]);
  });
}
