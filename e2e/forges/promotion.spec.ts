import { expect, test } from "@playwright/test";
import { githubPullRequestClosed, gitlabMergeRequestHook, type WebhookDelivery } from "../../lib/changes/testing/forge-webhooks";
import { DEMO, signInAs } from "../sign-in";
import { ci, control, delivered, matrixRow, mergeOnForge, openOnForge, served } from "./forge-control";
import { forgeUrls, GITHUB, GITLAB, type Forge, type ServedRequest, type Violations } from "./forges";

// The promotion flow in the browser against each forge's spec-validated test server
// (serve-forges.ts): Dana opens the promotion from the matrix → Ferry's requests become a real pull
// request (GitHub) / merge request (GitLab) on the server → a reviewer merges it there with their
// own client, not through Ferry → the server delivers its signed webhooks to the portal → the
// browser sees the change merged and the new version in production. The portal's periodic sync is
// hourly in this run (playwright-shared.ts), so it is the webhooks that bring the merge in.

const urls = forgeUrls();
const BRANCH = "ferry/promote/checkout/production";
const FILE = "apps/checkout/production/deployment.yaml";
const TITLE = "Promote checkout to production: 2.3.1 → 2.4.0";

/** The forge as a reviewer (and the test) sees it from outside Ferry. */
interface ForgeUnderTest {
  forge: Forge;
  /** The portal's repository on this forge. */
  repository: string;
  /** How the portal names change request `n`. */
  label(n: number): string;
  changeUrl(n: number): string;
  /** The writes opening one promotion costs, in order (docs/github.md, docs/gitlab.md: at most 5 / 2). */
  promotionWrites: string[];
  /** How a served request reads in assertions: GitHub by OpenAPI operation, GitLab by path below the project. */
  describe(r: ServedRequest): string;
  /** The portal reading change request `n` (the first request of each refresh). */
  readsChange(r: ServedRequest, n: number): boolean;
  /** Open change requests from the promotion branch, read with the reviewer's own client. */
  openFromBranch(): Promise<{ number: number; headSha: string }[]>;
  /** The reviewer merges on the forge, with their own client. */
  merge(n: number, headSha: string): Promise<void>;
  /** That merge, as the forge served it. */
  mergeWrite(n: number): string;
  /** A "merged" delivery for `n`, signed (or, with a wrong secret, forged) as the forge would send it. */
  mergedDelivery(n: number, headSha: string, secret: string): WebhookDelivery;
  /** The portal's answer to a delivery with a wrong secret. */
  refusal: string;
  /** The portal's answers to the forge's two deliveries for a merge, in the order the forge sends them. */
  acceptedMerge(n: number): [event: string, reply: unknown][];
}

const githubRepo = { owner: GITHUB.owner, repo: GITHUB.repo, repositoryUrl: urls.githubRepository, defaultBranch: GITHUB.defaultBranch };
const gitlabProjectPrefix = `projects/${GITLAB.projectPath}/`;

const FORGES: ForgeUnderTest[] = [
  {
    forge: "github",
    repository: GITHUB.repository,
    label: (n) => `${GITHUB.repository}#${n}`,
    changeUrl: (n) => `${urls.githubRepository}/pull/${n}`,
    // Inline contents in one new tree, the commit, the branch, the pull request.
    promotionWrites: ["POST git/create-tree", "POST git/create-commit", "POST git/create-ref", "POST pulls/create"],
    describe: (r) => `${r.method} ${r.operation ?? r.path}`,
    readsChange: (r, n) => r.operation === "pulls/get" && r.path.endsWith(`/pulls/${n}`),
    openFromBranch: async () => (await openOnForge("github", BRANCH)).map(({ number, headSha }) => ({ number, headSha })),
    merge: (n, headSha) => mergeOnForge("github", n, headSha),
    mergeWrite: () => "PUT pulls/merge",
    mergedDelivery: (n, headSha, secret) =>
      githubPullRequestClosed(
        githubRepo,
        { number: n, head: BRANCH, headSha, base: GITHUB.defaultBranch, merged: true, mergedAt: new Date().toISOString(), mergeCommitSha: headSha },
        { secret },
      ),
    refusal: "Invalid or missing X-Hub-Signature-256.",
    acceptedMerge: () => [
      ["pull_request", { accepted: true, jobs: 1 }],
      ["push", { accepted: true, jobs: 1 }],
    ],
  },
  {
    forge: "gitlab",
    repository: GITLAB.repository,
    label: (n) => `${GITLAB.repository}!${n}`,
    changeUrl: (n) => `${urls.gitlabProject}/-/merge_requests/${n}`,
    // One commit with the file action (start_sha = the planned base), then the merge request.
    promotionWrites: ["POST repository/commits", "POST merge_requests"],
    describe: (r) => `${r.method} ${r.path.startsWith(gitlabProjectPrefix) ? r.path.slice(gitlabProjectPrefix.length) : r.path}`,
    readsChange: (r, n) => r.method === "GET" && r.path === `${gitlabProjectPrefix}merge_requests/${n}`,
    openFromBranch: async () => (await openOnForge("gitlab", BRANCH)).map(({ number, headSha }) => ({ number, headSha })),
    merge: (n, headSha) => mergeOnForge("gitlab", n, headSha),
    mergeWrite: (n) => `PUT merge_requests/${n}/merge`,
    mergedDelivery: (n, headSha, secret) =>
      gitlabMergeRequestHook(
        // 42: the test server's project id (the portal matches the project by its web address).
        { id: 42, path: GITLAB.projectPath, webUrl: urls.gitlabProject },
        { iid: n, title: TITLE, sourceBranch: BRANCH, targetBranch: GITLAB.defaultBranch, state: "merged", action: "merge", mergeCommitSha: headSha, lastCommitSha: headSha },
        { token: secret },
      ),
    refusal: "Missing or invalid X-Gitlab-Token.",
    acceptedMerge: (n) => [
      ["Merge Request Hook", { status: "queued", syncs: [], refreshes: [{ repository: GITLAB.repository, number: n }] }],
      ["Push Hook", { status: "queued", syncs: [GITLAB.repository], refreshes: [] }],
    ],
  },
];

for (const f of FORGES) {
  test(`${f.forge}: a promotion opened in the portal is merged on the forge, and its webhooks bring the merge back`, async ({ page, request }) => {
    await signInAs(page, DEMO.developer);
    await page.goto("/");
    for (const app of ["checkout", "invoices", "ledger"]) await expect(matrixRow(page, f.repository, app)).toHaveCount(1);
    const checkout = matrixRow(page, f.repository, "checkout");
    const production = checkout.getByTestId("cell-checkout-production");
    await expect(production).toContainText("2.3.1");
    await expect(production).toContainText("behind");
    await expect(checkout.getByTestId("cell-checkout-staging")).toContainText("2.4.0");

    // ---- Dana promotes checkout from the matrix ----
    await production.getByRole("button", { name: "Promote checkout to production" }).click();
    const dialog = page.getByTestId("promote-dialog");
    await expect(dialog).toContainText(`repository ${f.repository}`);
    await expect(dialog.getByTestId("plan-fields")).toContainText("2.3.1");
    await expect(dialog.getByTestId("plan-fields")).toContainText("2.4.0");
    const diff = dialog.getByTestId("diff");
    await expect(diff).toContainText(FILE);
    await expect(diff.locator('[data-line="del"]')).toHaveText([/^-\s+image: ghcr.io\/acme\/checkout:2.3.1$/]);
    await expect(diff.locator('[data-line="add"]')).toHaveText([/^\+\s+image: ghcr.io\/acme\/checkout:2.4.0$/]);
    expect(await f.openFromBranch()).toEqual([]);

    const beforeOpen = (await served(f.forge)).length;
    await dialog.getByRole("button", { name: "Open change request" }).click();
    const result = dialog.getByTestId("promote-result");
    await expect(result).toContainText(/Opened \S+[#!]\d+/);

    // On the forge: exactly one open change request from the promotion branch, opened with the documented writes.
    const open = await f.openFromBranch();
    expect(open).toHaveLength(1);
    const { number, headSha } = open[0] ?? { number: -1, headSha: "" };
    const opening = (await served(f.forge)).slice(beforeOpen);
    // Writes only: a git fetch (POST git-upload-pack) reads.
    expect(opening.filter((r) => r.method !== "GET" && !r.git).map(f.describe)).toEqual(f.promotionWrites);
    await expect(result).toContainText(`Opened ${f.label(number)}`);
    await expect(result.getByRole("link", { name: "open on the forge" })).toHaveAttribute("href", f.changeUrl(number));
    await dialog.getByRole("button", { name: "Close" }).first().click();
    await expect(production.getByRole("link", { name: `${f.label(number)} open` })).toBeVisible();
    await ci(f.forge, "pending");

    // ---- the Changes page and the change show the forge's change request, open ----
    await page.goto("/changes");
    const openSection = page.getByRole("region", { name: /^Open/ });
    const listed = openSection.getByRole("row").filter({ hasText: `${f.label(number)} ${TITLE}` });
    await expect(listed).toHaveCount(1);
    await expect(listed).toContainText(f.repository);
    await expect(listed).toContainText("staging → production");
    await expect(listed).toContainText(DEMO.developer);
    // The last column is the state: the forge's, as the portal last heard it.
    await expect(listed.getByRole("cell").last()).toHaveText(/^open/);
    await expect(listed.getByRole("link", { name: "on the forge" })).toHaveAttribute("href", f.changeUrl(number));
    await listed.getByRole("link", { name: `${f.label(number)} ${TITLE}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${f.label(number)} ${TITLE}`);
    await expect(page.getByTestId("change-state")).toHaveText("open");
    await expect(page.getByRole("link", { name: "open on the forge" })).toHaveAttribute("href", f.changeUrl(number));
    // The forge's CI is still running on the head: a required gate, so Ferry will not merge yet.
    const gates = page.getByTestId("merge-gates");
    await expect(gates.getByRole("heading")).toContainText(`Merge gates on ${f.forge === "github" ? "GitHub" : "GitLab"} for ${headSha.slice(0, 10)}`);
    await expect(gates.getByTestId("merge-gate").filter({ hasText: f.forge === "github" ? "build" : "Pipeline #" })).toHaveAttribute("data-state", "pending");
    await expect(gates.getByTestId("merge-gates-verdict")).toHaveText("1 required gate not passed yet: Ferry will not merge until it passes.");
    // CI passes, so the reviewer can merge on the forge below.
    await ci(f.forge, "success");
    const changePage = page.url();

    // ---- a forged "merged" delivery is refused and queues nothing ----
    const forged = f.mergedDelivery(number, headSha, "not-the-secret");
    // Sent from outside the browser session, as anyone on the network could.
    const refused = await request.post(forged.path, { headers: forged.headers, data: forged.body });
    expect(refused.status()).toBe(401);
    expect(await refused.json()).toEqual({ error: f.refusal });
    // Every request to the forge from here on is counted: a refresh queued by the forged delivery
    // would read the change request once more than the forge's own webhook explains (checked below).
    const afterForged = (await served(f.forge)).length;
    await page.reload();
    await expect(page.getByTestId("change-state")).toHaveText("open");

    // ---- a reviewer merges on the forge; the forge delivers its webhooks ----
    await page.goto("/changes");
    await expect(page.getByRole("region", { name: /^Open/ }).getByRole("row").filter({ hasText: f.label(number) })).toHaveCount(1);
    const deliveriesBefore = (await delivered(f.forge)).length;
    const beforeMerge = (await served(f.forge)).length;
    await f.merge(number, headSha);

    await expect
      .poll(async () => (await delivered(f.forge)).slice(deliveriesBefore).map((d) => [d.event, d.status, d.response]), { timeout: 20_000 })
      .toEqual(f.acceptedMerge(number).map(([event, reply]) => [event, 202, reply]));

    // The Changes page follows without a reload: it re-reads the portal's cache, which the webhook's job updated.
    const merged = page.getByRole("region", { name: "Merged and closed" }).getByRole("row").filter({ hasText: `${f.label(number)} ${TITLE}` });
    await expect(merged.getByRole("cell").last()).toHaveText(/^merged/, { timeout: 30_000 });
    await expect(page.getByRole("region", { name: /^Open/ }).getByRole("row").filter({ hasText: f.label(number) })).toHaveCount(0);
    await page.goto(changePage);
    await expect(page.getByTestId("change-state")).toHaveText("merged");
    await expect(page.getByRole("link", { name: "open on the forge" })).toHaveAttribute("href", f.changeUrl(number));

    // The merge's push was synced: production runs 2.4.0, like staging, and no change is open.
    await page.goto("/");
    await expect(async () => {
      await page.reload();
      await expect(production).toContainText("2.4.0", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(production).not.toContainText("2.3.1");
    await expect(production).not.toContainText("behind");
    await expect(production.getByRole("link", { name: /open$/ })).toHaveCount(0);

    // ---- what the forge saw ----
    const requests = await served(f.forge);
    // After the reviewer's merge, Ferry only read: the one write is the reviewer's.
    expect(requests.slice(beforeMerge).filter((r) => r.method !== "GET" && !r.git).map(f.describe)).toEqual([f.mergeWrite(number)]);
    // One refresh of the change request since the forged delivery: the one the forge's webhook queued.
    expect(requests.slice(afterForged).filter((r) => f.readsChange(r, number))).toHaveLength(1);
    // Every request and response was valid against GitHub's OpenAPI description / GitLab's documented shapes.
    expect((await control<Violations>("/violations"))[f.forge]).toEqual([]);
  });
}
