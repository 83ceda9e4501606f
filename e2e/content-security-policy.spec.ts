import { expect, test, type Page, type Response } from "@playwright/test";
import { confirmReview } from "./review";
import { DEMO, signInAs } from "./sign-in";

// Issue #12: every page runs under a nonce-based Content-Security-Policy (proxy.ts) with no violations,
// and a script injected without the nonce does not run. Promotes only fleet's sessions, as
// merge-policy.spec.ts does, and closes what it opened.

/** Violations as the browser reports them: the securitypolicyviolation event and the console line. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) seen.push(message.text());
  });
  await page.exposeFunction("reportViolation", (line: string) => seen.push(line));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { reportViolation(line: string): void }).reportViolation(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.documentURI}`),
    );
  });
  return seen;
}

/** The page's policy: one header, with a nonce and strict-dynamic, no inline scripts, not framable. */
function expectNoncePolicy(response: Response | null, path: string): string {
  expect(response?.status(), path).toBe(200);
  const policy = response!.headers()["content-security-policy"] ?? "";
  // Playwright joins repeated headers with a newline: a second policy would be enforced as well.
  expect(policy, path).not.toContain("\n");
  expect(policy, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'(;|$)/);
  expect(policy, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(policy, path).toContain("frame-ancestors 'none'");
  return policy;
}

test("pages run under a fresh nonce policy with no violations, and the other security headers hold", async ({ page }) => {
  const violations = await watchViolations(page);

  const signin = await page.goto("/signin");
  const signinPolicy = expectNoncePolicy(signin, "/signin");
  const headers = signin!.headers();
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["strict-transport-security"]).toBeUndefined();
  // Next put this response's nonce on its own scripts (the attribute is hidden from the DOM, the property is not).
  const nonce = /'nonce-([^']+)'/.exec(signinPolicy)![1];
  const scriptNonces = await page.evaluate(() => [...document.scripts].map((s) => s.nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([nonce]));

  await signInAs(page, DEMO.admin);
  const policies = new Set<string>([signinPolicy]);
  for (const path of ["/", "/changes", "/repositories", "/apps/fleet/sessions", "/settings/people"]) {
    policies.add(expectNoncePolicy(await page.goto(path), path));
  }
  expect(policies.size, "a nonce per response").toBe(6);

  // The matrix is interactive (hydrated) under the policy: a filter changes the URL, the promote dialog opens.
  await page.goto("/");
  await page.getByRole("checkbox", { name: "Only drift" }).click();
  await expect(page).toHaveURL(/drift=1/);
  await page.goto("/");
  await page.getByTestId("cell-sessions-production").getByRole("button", { name: "Promote sessions to production" }).click();
  const dialog = page.getByTestId("promote-dialog");
  await expect(dialog.getByTestId("diff")).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).first().click();

  // A change page, hydrated: its review dialog opens and closes the change.
  const opened = await page.request.post("/api/v1/promotions", {
    headers: { origin: new URL(page.url()).origin, "content-type": "application/json" },
    data: { repository: "fleet", app: "sessions", from: "staging", to: "production" },
  });
  const body = (await opened.json()) as { ok: boolean; change?: { id: number } };
  expect(body, JSON.stringify(body)).toMatchObject({ ok: true, change: { id: expect.any(Number) } });
  expectNoncePolicy(await page.goto(`/changes/${body.change!.id}`), "/changes/:id");
  await confirmReview(page, "close");
  await expect(page.getByTestId("change-state")).toHaveText("closed");

  expect(violations).toEqual([]);

  // Data responses get the data-only policy; behind a TLS-terminating proxy the browser is told to stay on https.
  const api = await page.request.get("/api/v1/changes");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  const overHttps = await page.request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
  expect(overHttps.headers()["strict-transport-security"]).toContain("max-age=");
});

test("a script injected into the page's markup without the nonce does not run, and the page still works", async ({ page }) => {
  const violations = await watchViolations(page);
  await signInAs(page, DEMO.viewer);
  // What a stored or reflected XSS would look like: markup in the server's HTML, with the real policy header.
  await page.route(/\/\?drift=0$/, async (route) => {
    const response = await route.fetch();
    const injected = [
      "<script>window.injectedScriptRan = true</script>",
      '<script nonce="AAAAAAAAAAAAAAAAAAAAAA==">window.guessedNonceRan = true</script>',
      '<img src="/favicon.svg" onload="window.injectedHandlerRan = true">',
    ].join("");
    await route.fulfill({ response, body: (await response.text()).replace("</body>", `${injected}</body>`) });
  });
  const response = await page.goto("/?drift=0");
  expectNoncePolicy(response, "/?drift=0");
  await expect(page.getByTestId("current-user")).toContainText(DEMO.viewer);
  // Next's own (nonced) scripts ran: the matrix is hydrated and its filter works.
  await page.getByRole("checkbox", { name: "Only drift" }).click();
  await expect(page).toHaveURL(/drift=1/);
  const ran = await page.evaluate(() => {
    const marks = window as unknown as Record<string, boolean | undefined>;
    return { script: marks.injectedScriptRan === true, guessedNonce: marks.guessedNonceRan === true, handler: marks.injectedHandlerRan === true };
  });
  expect(ran).toEqual({ script: false, guessedNonce: false, handler: false });
  // The browser reports each one it refused: two inline scripts and the handler.
  await expect.poll(() => violations.filter((line) => /^script-src-(elem|attr) blocked inline/.test(line)).length).toBe(3);
});
