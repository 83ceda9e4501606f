import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { DEMO, signInAs } from "./sign-in";

// The matrix refreshes by itself: a commit pushed to a demo repository outside Ferry and synced from
// another tab shows in an open matrix without reloading it (it polls /api/v1/matrix/stamp for its page). Uses
// indexer in production of the fleet repository, which no other spec reads or promotes.

const run = promisify(execFile);
const fleet = path.join(process.env.FERRY_E2E_DATA_DIR ?? "", "repos", "fleet");
const FILE = "apps/indexer/overlays/production/kustomization.yaml";

test("a sync that brought a commit updates an open matrix without a reload", async ({ page, context }) => {
  await signInAs(page, DEMO.searchDeveloper);
  const cell = page.getByTestId("cell-indexer-production");
  await expect(cell).toContainText("1.9.3");
  // Marks this document: a reload would lose it.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  const absolute = path.join(fleet, FILE);
  await writeFile(absolute, (await readFile(absolute, "utf8")).replace("newTag: 1.9.3", "newTag: 1.9.7"));
  await run("git", ["-C", fleet, "-c", "user.name=Olga Ops", "-c", "user.email=ops@acme.example", "commit", "-q", "-m", "indexer 1.9.7 in production, by hand", "--", FILE]);

  const other = await context.newPage();
  await other.goto("/repositories");
  await other.getByTestId("repo-fleet").getByRole("button", { name: "Refresh" }).click();
  await expect(other.getByTestId("repo-fleet").getByRole("status")).toContainText("Synced");
  await other.close();

  await expect(cell).toContainText("1.9.7", { timeout: 15_000 });
  await expect(cell).toContainText("Olga Ops");
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
});

test("the cache version and page stamp endpoints need a signed-in user or a token", async ({ request }) => {
  for (const url of ["/api/v1/cache-version", "/api/v1/matrix/stamp?q=indexer"]) expect((await request.get(url)).status(), url).toBe(401);
});
