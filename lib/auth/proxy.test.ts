import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { config, proxy } from "@/proxy";
import { REQUEST_PATH_HEADER, SESSION_COOKIE } from "./session-cookie";

// Tests the root proxy.ts: which paths it runs on (its matcher, as Next evaluates it) and what it does.

const matches = (url: string) => unstable_doesMiddlewareMatch({ config, url });

describe("proxy matcher", () => {
  it.each(["/", "/apps", "/apps/checkout/production", "/apiary", "/signing-keys", "/repos/my.app", "/metrics/x", "/metricsboard", "/signin", "/signin/callback"])(
    "runs on the page %s",
    (url) => expect(matches(url)).toBe(true),
  );

  it.each([
    "/api/health",
    "/metrics",
    "/api/v1/promotions",
    "/api",
    "/_next/static/chunks/app.js",
    "/_next/image",
    "/favicon.ico",
    "/logo.svg",
    "/fonts/geist.woff2",
    "/robots.txt",
  ])("leaves %s alone", (url) => expect(matches(url)).toBe(false));
});

describe("proxy", () => {
  it("redirects a page request without a session cookie to /signin with the path to return to", () => {
    const response = proxy(new NextRequest("http://localhost:3000/apps/checkout?env=prod"));
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(
      "http://localhost:3000/signin?next=%2Fapps%2Fcheckout%3Fenv%3Dprod",
    );
  });

  it("redirects home to a plain /signin", () => {
    expect(proxy(new NextRequest("http://localhost:3000/")).headers.get("location")).toBe("http://localhost:3000/signin");
  });

  it("lets a request with a session cookie through, telling the page its path", () => {
    const request = new NextRequest("http://localhost:3000/apps", { headers: { cookie: `${SESSION_COOKIE}=abc` } });
    const response = proxy(request);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.get(`x-middleware-request-${REQUEST_PATH_HEADER}`)).toBe("/apps");
  });

  it("gives each page response its own nonce, in the policy it sends and the policy Next reads from the request", () => {
    const cookie = { cookie: `${SESSION_COOKIE}=abc` };
    const first = proxy(new NextRequest("http://localhost:3000/apps", { headers: cookie }));
    const second = proxy(new NextRequest("http://localhost:3000/apps", { headers: cookie }));
    const policy = first.headers.get("content-security-policy")!;
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
    expect(nonce).toHaveLength(24);
    expect(policy).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(second.headers.get("content-security-policy")).not.toBe(policy);
  });

  it("serves the sign-in page without a session, under the policy", () => {
    const response = proxy(new NextRequest("http://localhost:3000/signin?next=%2Fapps"));
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-security-policy")).toContain("'strict-dynamic'");
  });

  it("lets a server action through so it can answer 'Sign in first' itself", () => {
    const request = new NextRequest("http://localhost:3000/apps", { method: "POST", headers: { "next-action": "abc" } });
    expect(proxy(request).headers.get("location")).toBeNull();
  });
});
