import { expect, test } from "@playwright/test";
import { DEMO, signInAs } from "./sign-in";

// The rendered-manifest diff on the change page, in the browser, against the plain git demo repository
// fleet: a promotion of indexer into dev (a downgrade to staging's 1.9.3, confirmed), which no other spec
// opens. kubectl kustomize renders apps/indexer/overlays/dev at the base and at the change's commit; the
// page lists the one object that changed, per kind/namespace/name, with the image line changed.

test("a promotion's change page shows the rendered objects that change, per resource", async ({ page }) => {
  await signInAs(page, DEMO.searchDeveloper);
  const response = await page.request.post("/api/v1/promotions", {
    headers: { origin: new URL(page.url()).origin, "content-type": "application/json" },
    data: { repository: "fleet", app: "indexer", from: "staging", to: "dev", allowDowngrade: true },
  });
  const body = (await response.json()) as { ok: boolean; change?: { id: number } };
  expect(body, JSON.stringify(body)).toMatchObject({ ok: true, change: { id: expect.any(Number) } });

  await page.goto(`/changes/${body.change!.id}`);
  // The file diff is there at once; the rendering streams in after it.
  await expect(page.getByTestId("diff").locator('[data-line="add"]')).toHaveText([/newTag: 1\.9\.3/]);
  const rendered = page.getByTestId("rendered-diff");
  await expect(rendered.getByRole("heading", { name: "Rendered manifests" })).toBeVisible();
  const folder = rendered.getByTestId("rendered-folder");
  await expect(folder).toHaveAttribute("data-path", "apps/indexer/overlays/dev");
  await expect(folder).toContainText("indexer/dev");
  await expect(folder.getByTestId("rendered-summary")).toHaveText("1 object differs, 1 unchanged · rendered with kubectl kustomize");

  // One resource, named as kubectl would: the Service renders the same and is not listed.
  const resources = folder.getByTestId("rendered-resource");
  await expect(resources).toHaveCount(1);
  const deployment = resources.first();
  await expect(deployment).toHaveAttribute("data-key", "Deployment/search-dev/indexer");
  await expect(deployment).toContainText("changed");
  await expect(deployment.locator('[data-line="del"]')).toHaveText([/^-\s+(- )?image: ghcr\.io\/acme\/indexer:2\.0\.0-rc\.1$/]);
  await expect(deployment.locator('[data-line="add"]')).toHaveText([/^\+\s+(- )?image: ghcr\.io\/acme\/indexer:1\.9\.3$/]);

  // A reload is served from the cache: the same answer, no waiting on a second build.
  await page.reload();
  await expect(page.getByTestId("rendered-resource").first().locator('[data-line="add"]')).toHaveText([/indexer:1\.9\.3$/]);
});

test("the promote dialog shows the rendered objects its plan changes, before anything is opened", async ({ page }) => {
  await signInAs(page, DEMO.searchDeveloper);
  await page.getByTestId("cell-indexer-staging").getByRole("button", { name: "Promote indexer to staging" }).click();
  const dialog = page.getByTestId("promote-dialog");
  const preview = dialog.getByTestId("rendered-preview");
  const resource = preview.getByTestId("rendered-resource");
  await expect(resource).toHaveCount(1);
  await expect(resource).toHaveAttribute("data-key", "Deployment/search-staging/indexer");
  await expect(resource.locator('[data-line="del"]')).toHaveText([/^-\s+(- )?image: ghcr\.io\/acme\/indexer:1\.9\.3$/]);
  await expect(resource.locator('[data-line="add"]')).toHaveText([/^\+\s+(- )?image: ghcr\.io\/acme\/indexer:2\.0\.0-rc\.1$/]);
  // Previewing opens nothing.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("cell-indexer-staging").getByRole("link", { name: /fleet#\d+ open/ })).toHaveCount(0);
});
