import { expect, test } from "@playwright/test";
import { confirmReview } from "../review";
import { DEMO, signInAs } from "../sign-in";
import { liveE2e } from "./argocd";

// A promotion followed to the cluster: opened → merged → applied → healthy, each step reaching the open
// change page, the Changes page and the matrix without a reload, from what the Argo CD test server
// reports. It uses invoices in production, which no other live spec looks at (the file runs before
// live-state.spec.ts, which stops the Argo CD API server at its end).

const e2e = liveE2e();

async function argocd(app: Record<string, unknown>): Promise<string | null> {
  const response = await fetch(`${e2e.control}/apps`, { method: "POST", body: JSON.stringify({ name: "invoices-production", path: "apps/invoices/production", ...app }) });
  expect(response.ok).toBe(true);
  return ((await response.json()) as { revision: string | null }).revision;
}

test("a promotion is followed until it is healthy, and a degraded app shows as degraded", async ({ page }) => {
  // Before the promotion, production runs the head of main, synced and healthy.
  const before = await argocd({ revision: "HEAD", sync: "Synced", health: "Healthy", finishedAt: "now", images: ["ghcr.io/acme/invoices:0.8.3"] });

  await signInAs(page, DEMO.developer);
  const opened = await page.request.post("/api/v1/promotions", {
    headers: { origin: new URL(page.url()).origin, "content-type": "application/json" },
    data: { repository: "payments-gitops", app: "invoices", from: "staging", to: "production" },
  });
  const body = (await opened.json()) as { ok: boolean; change?: { id: number } };
  expect(body, JSON.stringify(body)).toMatchObject({ ok: true, change: { id: expect.any(Number) } });
  const id = body.change!.id;

  // Production is protected: Alex merges what Dana opened.
  await signInAs(page, DEMO.admin, `/changes/${id}`);
  await page.goto(`/changes/${id}`);
  const timeline = page.getByTestId("rollout-timeline");
  await expect(timeline).toHaveAttribute("data-phase", "open");
  await expect(timeline.locator('[data-step="opened"]')).toHaveAttribute("data-done", "true");
  await expect(timeline.locator('[data-step="merged"]')).toHaveAttribute("data-done", "false");
  await confirmReview(page, "merge");
  await expect(page.getByTestId("change-state")).toHaveText("merged");

  // Merged, the cluster still runs the commit before: deploying, on the change and in the cell.
  await expect(timeline).toHaveAttribute("data-phase", "deploying");
  await expect(timeline.locator('[data-step="merged"]')).toContainText(/\d{2}:\d{2} UTC/);
  await expect(page.getByTestId("rollout-note")).toContainText(`Merged, not applied yet (the cluster runs ${before?.slice(0, 12)})`);
  const matrix = await page.context().newPage();
  await matrix.goto("/");
  const cell = matrix.getByTestId("cell-invoices-production");
  await expect(cell.locator("[data-live-deploying]")).toHaveText("deploying");
  const changes = await page.context().newPage();
  await changes.goto("/changes");
  const row = changes.getByTestId(`change-${id}`);
  await expect(row.locator("[data-rollout]")).toHaveAttribute("data-rollout", "deploying");

  // Argo CD sees the merge commit and syncs it: not applied while out of sync.
  const merged = await argocd({ revision: "HEAD", sync: "OutOfSync", health: "Progressing", images: ["ghcr.io/acme/invoices:0.8.3"] });
  expect(merged).not.toBe(before);
  await expect(cell.locator("[data-live-sync]")).toHaveText(/out of sync\s*progressing/);
  await expect(timeline.locator('[data-step="applied"]')).toHaveAttribute("data-done", "false");

  // Synced, pods rolling: applied, still deploying.
  await argocd({ revision: merged, sync: "Synced", health: "Progressing", finishedAt: "now", images: ["ghcr.io/acme/invoices:0.9.0"] });
  await expect(timeline.locator('[data-step="applied"]')).toHaveAttribute("data-done", "true");
  await expect(timeline.locator('[data-step="applied"]')).toContainText(/\d{2}:\d{2} UTC/);
  await expect(timeline).toHaveAttribute("data-phase", "deploying");

  // Healthy: every step done, everywhere, without a reload.
  await argocd({ revision: merged, sync: "Synced", health: "Healthy", images: ["ghcr.io/acme/invoices:0.9.0"] });
  await expect(timeline).toHaveAttribute("data-phase", "healthy");
  await expect(timeline.locator('[data-done="true"]')).toHaveCount(4);
  await expect(timeline.locator('[data-step="healthy"]')).toContainText(/\d{2}:\d{2} UTC/);
  await expect(cell.locator("[data-live-sync]")).toHaveText(/synced\s*healthy/);
  await expect(cell.locator("[data-live-deploying]")).toHaveCount(0);
  await expect(row.locator("[data-rollout]")).toHaveAttribute("data-rollout", "healthy");
  await expect(row.locator("[data-rollout]")).toContainText("healthy");

  // Later the app degrades at the same revision: the change and the cell say so.
  await argocd({ revision: merged, sync: "Synced", health: "Degraded", images: ["ghcr.io/acme/invoices:0.9.0"] });
  await expect(timeline).toHaveAttribute("data-phase", "degraded");
  await expect(timeline.locator('[data-step="healthy"]')).toContainText("Degraded");
  await expect(cell.locator("[data-live-sync]")).toHaveText(/synced\s*degraded/);
  await expect(row.locator("[data-rollout]")).toHaveAttribute("data-rollout", "degraded");
  await Promise.all([matrix.close(), changes.close()]);
});
