import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FIELD_REPOS } from "../../playwright.field.config";
import { DEMO, signInAs } from "../sign-in";

const reposDir = path.join(process.env.FERRY_E2E_FIELD_DATA_DIR ?? "", "field-repos");
const KUBECTL = "/usr/bin/kubectl";

const git = (repo: string, args: string[]) => execFileSync("git", ["-C", path.join(reposDir, repo), ...args], { encoding: "utf8" }).trim();

test("a Flux repository reads as its clusters reconcile it: shared infrastructure in both environments, the overlay's ranges per env", async ({ page }) => {
  await signInAs(page, DEMO.admin);
  await page.goto(`/?q=${encodeURIComponent(FIELD_REPOS.flux.name)}`);
  // infrastructure/controllers is applied by both clusters through the ArtifactGenerator's copy rules.
  for (const env of ["staging", "production"]) {
    await expect(page.getByTestId(`cell-cert-manager-${env}`)).toContainText("1.x");
    await expect(page.getByTestId(`cell-envoy-gateway-${env}`)).toContainText("1.8.0-rc.0");
  }
  await expect(page.getByTestId("cell-podinfo-staging")).toContainText("1.0.0-alpha");
  await expect(page.getByTestId("cell-podinfo-production")).toContainText(">=1.0.0");
  await expect(page.getByTestId("cell-podinfo-production")).not.toContainText("alpha");
});

test("an Argo CD ApplicationSet repository: a promotion opens a change whose target renders the source's version", async ({ page }) => {
  await signInAs(page, DEMO.admin);
  await page.goto(`/?q=${encodeURIComponent("invoices")}`);
  const target = page.getByTestId("cell-invoices-prod-us");
  await expect(target).toContainText("2.0");
  await expect(page.getByTestId("cell-invoices-prod-eu")).toContainText("3.0");

  await target.getByRole("button", { name: "Promote invoices to prod-us" }).click();
  const dialog = page.getByTestId("promote-dialog");
  await dialog.getByLabel("From").selectOption("prod-eu");
  const fields = dialog.getByTestId("plan-fields");
  await expect(fields).toContainText("2.0");
  await expect(fields).toContainText("3.0");
  await expect(dialog.getByTestId("diff")).toContainText("apps/invoices/envs/prod-us/version.yml");
  await dialog.getByRole("button", { name: "Open change request" }).click();
  await expect(dialog.getByTestId("promote-result")).toContainText(/Opened \S+#\d+/);

  // The change is a branch of the real repository: its prod-us folder renders prod-eu's image, and
  // nothing but the version file changed.
  const branch = git(FIELD_REPOS.argo.name, ["for-each-ref", "--format=%(refname:short)", "refs/heads/ferry/"]).split("\n").find((b) => b.includes("invoices"));
  expect(branch).toBeTruthy();
  expect(git(FIELD_REPOS.argo.name, ["diff", "--name-only", `main...${branch}`])).toBe("apps/invoices/envs/prod-us/version.yml");
  expect(git(FIELD_REPOS.argo.name, ["show", `${branch}:apps/invoices/envs/prod-us/version.yml`])).toContain("docker.io/kostiscodefresh/simple-env-app:3.0");
  test.skip(!existsSync(KUBECTL), `${KUBECTL} is missing: the rendered-image check needs it`);
  const tree = mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-field-tree-"));
  try {
    git(FIELD_REPOS.argo.name, ["worktree", "add", "-q", "--detach", tree, branch ?? ""]);
    const rendered = execFileSync(KUBECTL, ["kustomize", path.join(tree, "apps/invoices/envs/prod-us")], { encoding: "utf8" });
    expect(rendered).toMatch(/image: docker\.io\/kostiscodefresh\/simple-env-app:3\.0\b/);
  } finally {
    git(FIELD_REPOS.argo.name, ["worktree", "remove", "--force", tree]);
    rmSync(tree, { recursive: true, force: true });
  }
});
