// Plays the browser's part of a redirect sign-in with fetch (cookies, redirects, the login page), for
// integration tests against the in-process OpenID provider and the forge test servers.

/** Through oidc-provider's login page (testing/oidc-test-provider.ts) as `login`: the callback URL the browser lands on. */
export async function walkOidcLogin(issuer: string, authorizationUrl: URL, login: string, redirectUri: string): Promise<URL> {
  const jar = new Map<string, string>();
  const go = async (target: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(new URL(target, issuer), {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };
  let response = await go(authorizationUrl.href);
  for (let hops = 0; hops < 10; hops++) {
    const location = response.headers.get("location");
    if (response.status === 200 && (await response.clone().text()).includes("Test identity provider")) {
      const uid = /action="\/interaction\/([\w-]+)\/login"/.exec(await response.text())![1]!;
      response = await go(`/interaction/${uid}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ login }).toString() });
      continue;
    }
    if (!location) throw new Error(`the provider answered ${response.status} without a redirect: ${await response.text()}`);
    if (location.startsWith(redirectUri)) return new URL(location);
    response = await go(location);
  }
  throw new Error("too many redirects at the provider");
}

/** Through a forge test server's authorize page (lib/scm/testing/oauth-test-app.ts) as `login`: the callback URL. */
export async function walkForgeAuthorize(authorizationUrl: URL, login: string, confirmPath: string): Promise<URL> {
  const page = await fetch(authorizationUrl);
  if (page.status !== 200) throw new Error(`the authorize page answered ${page.status}`);
  const html = await page.text();
  const form = new URLSearchParams({ login });
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name!, value!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))));
  const answer = await fetch(new URL(confirmPath, authorizationUrl), { method: "POST", body: form, redirect: "manual" });
  if (answer.status !== 302) throw new Error(`the authorize form answered ${answer.status}`);
  return new URL(answer.headers.get("location")!);
}
