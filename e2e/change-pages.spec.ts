import { expect, test, type Page } from "@playwright/test";
import { confirmReview } from "./review";
import { DEMO, signInAs } from "./sign-in";

// Issue #14, defect 7 (the change pages and the frame around them): names of changes across
// repositories, who opened a change through the API, 404s, the reviewer description, what a merged
// change says, confirmation before Merge and Close, the header on a phone, and form accessibility.
// Every test here failed on the code before its fix.

const TOKEN_NAME = "release bot";

/** A CI token for teams identity and payments, created by the admin on the tokens page. */
async function createToken(page: Page): Promise<string> {
  await signInAs(page, DEMO.admin, "/settings/tokens");
  await page.goto("/settings/tokens");
  await page.getByLabel("Name", { exact: true }).fill(TOKEN_NAME);
  await page.getByRole("checkbox", { name: /identity/i }).check();
  await page.getByRole("checkbox", { name: /payments/i }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const created = page.getByTestId("new-token");
  await expect(created).toContainText("release bot");
  const token = (await created.locator("code").textContent()) ?? "";
  expect(token).toMatch(/^ferry_/);
  return token;
}

/** The page of a change the token opened, found by its title on the Changes page. */
async function openChange(page: Page, title: string): Promise<void> {
  await page.goto("/changes");
  await page.getByRole("link", { name: new RegExp(title) }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(title);
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const sizes = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(sizes.scroll, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(sizes.client);
}

test("missing changes and apps answer 404 with a page that says where to look", async ({ page }) => {
  await signInAs(page, DEMO.developer);
  for (const address of ["/changes/999999", "/changes/not-a-number"]) {
    const response = await page.goto(address);
    expect(response?.status(), address).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("No such change");
    await expect(page.getByRole("link", { name: "All changes" })).toHaveAttribute("href", "/changes");
  }
  const response = await page.goto("/apps/payments-gitops/no-such-app");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("No such app");
  await expect(page.getByRole("link", { name: "Repositories" }).last()).toHaveAttribute("href", "/repositories");
});

test("the sign-in page has exactly one main landmark", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("heading", { name: "Sign in to Ferry" })).toBeVisible();
  await expect(page.getByRole("main")).toHaveCount(1);
});

test("the token form says what is wrong next to each field, announces it and moves focus there", async ({ page }) => {
  await signInAs(page, DEMO.admin, "/settings/tokens");
  await page.goto("/settings/tokens");
  const name = page.getByLabel("Name", { exact: true });
  await page.getByRole("button", { name: "Create token" }).click();

  const nameError = page.getByTestId("error-name");
  await expect(nameError).toHaveRole("alert");
  await expect(nameError).toContainText("Give the token a name");
  await expect(name).toBeFocused();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription(/Give the token a name/);
  await expect(page.getByTestId("error-teams")).toContainText("Choose at least one team");

  // Name fixed: the first invalid field is now the team list.
  await name.fill("half-filled");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("error-name")).toHaveCount(0);
  const identity = page.getByRole("checkbox", { name: /identity/i });
  await expect(identity).toBeFocused();
  await expect(identity).toHaveAccessibleDescription(/Choose at least one team/);
  // What was typed is kept while the person corrects the form.
  await expect(name).toHaveValue("half-filled");
});

test("changes are named per repository, and a change opened with a token names the token and its owner", async ({ page, playwright }) => {
  const token = await createToken(page);
  const api = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const opened: Record<string, { id: number; number: number; label?: string }> = {};
  for (const [repository, app, from, to] of [
    ["fleet", "auth", "dev", "staging"],
    ["payments-gitops", "invoices", "staging", "production"],
  ] as const) {
    const response = await api.post("/api/v1/promotions", { data: { repository, app, from, to } });
    const body = (await response.json()) as { status: string; change: { id: number; number: number; label?: string } };
    expect(response.status(), JSON.stringify(body)).toBe(201);
    opened[repository] = body.change;
  }
  await api.dispose();
  // Each repository numbers its own changes (run alone, both are number 1): the label names the repository.
  const fleet = `fleet#${opened.fleet?.number}`;
  const payments = `payments-gitops#${opened["payments-gitops"]?.number}`;
  expect(opened.fleet?.label).toBe(fleet);
  expect(opened["payments-gitops"]?.label).toBe(payments);

  await signInAs(page, DEMO.developer, "/changes");
  await page.goto("/changes");
  const links = page.getByTestId("changes").first().getByRole("link", { name: /^\S+[#!]\d+ / });
  await expect(links.filter({ hasText: `${fleet} Promote auth` })).toHaveCount(1);
  await expect(links.filter({ hasText: `${payments} Promote invoices` })).toHaveCount(1);
  const labels = (await page.getByTestId("changes").getByRole("link").filter({ hasNotText: "on the forge" }).allTextContents()).map((t) => t.split(" ")[0]);
  expect(new Set(labels).size, labels.join(", ")).toBe(labels.length);
  await expect(page.getByText(/^change #\d+/)).toHaveCount(0);

  const row = page.getByTestId(`change-${opened.fleet?.id}`);
  await expect(row).toContainText("release bot (API token of Alex Admin)");
  await expect(row).not.toContainText("token:");

  await row.getByRole("link", { name: fleet }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(new RegExp(`^${fleet} Promote auth to staging`));
  await expect(page.getByTestId("change-author")).toHaveText(`${TOKEN_NAME} (API token of Alex Admin)`);
});

test("the description for reviewers is rendered Markdown, and no HTML from it reaches the page", async ({ page }) => {
  await signInAs(page, DEMO.developer, "/changes");
  await openChange(page, "Promote invoices to production");
  const body = page.getByTestId("change-body");
  await expect(body.getByRole("heading", { name: /Promote invoices from staging to production/ })).toBeVisible();
  await expect(body.locator("table").first()).toBeVisible();
  await expect(body.getByRole("cell", { name: "Requested by" })).toBeVisible();
  await expect(body).toContainText("release bot (API token)");
  await expect(body).not.toContainText("|---|");
  // Every description ends in a raw `<sub>` line: neither rendered as an element nor shown as a tag.
  await expect(body).toContainText("Planned by Ferry. Merging this change is the deployment.");
  await expect(body).not.toContainText("<sub>");
  await expect(body.locator("sub, img, script, iframe")).toHaveCount(0);
});

test("Merge and Close ask first, and a merged change says who merged it, when, and the merge commit", async ({ page }) => {
  await signInAs(page, DEMO.admin, "/changes");
  // Closing the invoices promotion: asked first, Cancel keeps it, confirming closes it (and leaves
  // invoices production as the other tests expect it).
  await openChange(page, "Promote invoices to production");
  await page.getByRole("button", { name: "Close without merging…", exact: true }).click();
  const closeDialog = page.getByRole("dialog", { name: /^Close payments-gitops#\d+ without merging\?$/ });
  await expect(closeDialog).toBeVisible();
  await expect(closeDialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await closeDialog.getByRole("button", { name: "Cancel" }).click();
  await expect(closeDialog).toBeHidden();
  await page.reload();
  await expect(page.getByTestId("change-state")).toHaveText("open");
  await confirmReview(page, "close");
  await expect(page.getByTestId("change-state")).toHaveText("closed");
  await expect(page.getByTestId("change-closed")).toContainText("Closed without merging by Alex Admin");

  // Merging the auth promotion: asked first, starting on Cancel; Escape leaves everything as it was.
  await openChange(page, "Promote auth to staging");
  const changeUrl = page.url();
  await expect(page.getByTestId("plan-fields").locator("thead")).toContainText("Now");
  await page.getByRole("button", { name: "Merge…", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: /^Merge fleet#\d+ into main\?$/ });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("staging will run");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await page.reload();
  await expect(page.getByTestId("change-state")).toHaveText("open");

  await confirmReview(page, "merge");
  await expect(page.getByTestId("change-state")).toHaveText("merged");
  const merged = page.getByTestId("change-merged");
  await expect(merged).toContainText("Merged into main by Alex Admin");
  await expect(merged).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  await expect(merged).toContainText(/merge commit [0-9a-f]{10}/);
  // No "Now" any more: the table says what ran before the merge and what runs after it.
  const head = page.getByTestId("plan-fields").locator("thead");
  await expect(head).toContainText("Before merge");
  await expect(head).not.toContainText("Now");
  await expect(page.getByRole("button", { name: /Merge/ })).toHaveCount(0);
  // The demo portal follows no cluster: the timeline stops at merged and says so, claiming nothing more.
  await expect(page.getByTestId("rollout-timeline")).toHaveAttribute("data-phase", "merged");
  await expect(page.getByTestId("rollout-note")).toContainText("Live state is not connected");

  // The same after a reload (it is stored, not just shown once).
  await page.goto(changeUrl);
  await expect(page.getByTestId("change-merged")).toContainText("by Alex Admin");
});

test("the header fits a 390 px phone: no page scrolls sideways and every link stays on screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/signin");
  await noHorizontalScroll(page);
  await signInAs(page, DEMO.admin, "/changes");
  for (const address of ["/changes", "/repositories", "/settings/tokens", "/audit", "/"]) {
    await page.goto(address);
    await noHorizontalScroll(page);
  }
  for (const title of ["Promote invoices to production", "Promote auth to staging"]) {
    await openChange(page, title);
    await noHorizontalScroll(page);
  }
  const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
  await expect(links).toHaveCount(8);
  for (const link of await links.all()) {
    const box = await link.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390, `${await link.textContent()} is on screen`).toBe(true);
  }
  await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport();
});
