import { expect, type Page } from "@playwright/test";

/** Merges (or closes) the change whose page is open, through the confirmation dialog, as a reviewer would. */
export async function confirmReview(page: Page, action: "merge" | "close"): Promise<void> {
  await page.getByRole("button", { name: action === "merge" ? "Merge…" : "Close without merging…", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: action === "merge" ? "Merge" : "Close change", exact: true }).click();
}
