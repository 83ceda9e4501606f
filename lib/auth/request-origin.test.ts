import { describe, expect, it } from "vitest";
import { isSameOrigin, publicOrigin, wantsSecureCookie } from "./request-origin";

const req = (headers: Record<string, string>) => ({ headers: new Headers(headers) });

describe("wantsSecureCookie", () => {
  it("is Secure whenever FERRY_PUBLIC_URL is https, whatever the proxy forwards", () => {
    const env = { FERRY_PUBLIC_URL: "https://ferry.example.com" };
    expect(wantsSecureCookie(new Headers(), env)).toBe(true);
    expect(wantsSecureCookie(new Headers({ "x-forwarded-proto": "http" }), env)).toBe(true);
  });

  it("otherwise follows what the request says", () => {
    expect(wantsSecureCookie(new Headers(), {})).toBe(false);
    expect(wantsSecureCookie(new Headers(), { FERRY_PUBLIC_URL: "http://localhost:3000" })).toBe(false);
    expect(wantsSecureCookie(new Headers({ "x-forwarded-proto": "https" }), {})).toBe(true);
  });
});

describe("isSameOrigin", () => {
  it("believes the browser's Sec-Fetch-Site", () => {
    expect(isSameOrigin(req({ "sec-fetch-site": "same-origin" }), {})).toBe(true);
    expect(isSameOrigin(req({ "sec-fetch-site": "cross-site", origin: "http://ferry.test", host: "ferry.test" }), {})).toBe(false);
  });

  it("compares Origin with the Host the request was sent to, not with a client's X-Forwarded-Host", () => {
    expect(isSameOrigin(req({ origin: "http://ferry.test", host: "ferry.test" }), {})).toBe(true);
    expect(isSameOrigin(req({ origin: "https://evil.example", host: "ferry.test", "x-forwarded-host": "evil.example" }), {})).toBe(false);
    expect(isSameOrigin(req({ host: "ferry.test" }), {})).toBe(false);
    expect(isSameOrigin(req({ origin: "null", host: "ferry.test" }), {})).toBe(false);
  });

  it("takes X-Forwarded-Host only under FERRY_TRUST_PROXY", () => {
    const behindProxy = req({ origin: "https://ferry.example.com", host: "10.0.0.7:3000", "x-forwarded-host": "ferry.example.com" });
    expect(isSameOrigin(behindProxy, {})).toBe(false);
    expect(isSameOrigin(behindProxy, { FERRY_TRUST_PROXY: "1" })).toBe(true);
  });

  it("accepts FERRY_PUBLIC_URL's origin, scheme included", () => {
    const env = { FERRY_PUBLIC_URL: "https://ferry.example.com/" };
    expect(publicOrigin(env)).toBe("https://ferry.example.com");
    expect(isSameOrigin(req({ origin: "https://ferry.example.com", host: "10.0.0.7:3000" }), env)).toBe(true);
    expect(isSameOrigin(req({ origin: "http://ferry.example.com", host: "10.0.0.7:3000" }), env)).toBe(false);
  });
});
