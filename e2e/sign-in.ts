import { expect, type Page } from "@playwright/test";

export const DEMO = {
  developer: "Dana Developer",
  searchDeveloper: "Sam Searcher",
  admin: "Alex Admin",
  viewer: "Vic Viewer",
} as const;

/** Signs in through the real sign-in page, as a person would. */
export async function signInAs(page: Page, name: string, next = "/"): Promise<void> {
  await page.goto(`/signin?next=${encodeURIComponent(next)}`);
  await page.getByRole("button", { name: new RegExp(name) }).click();
  await expect(page.getByTestId("current-user")).toContainText(name);
}
