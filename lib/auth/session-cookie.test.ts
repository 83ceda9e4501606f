import { describe, expect, it } from "vitest";
import { isHttpsRequest, sessionCookieOptions } from "./session-cookie";

describe("isHttpsRequest", () => {
  it("trusts the forwarded protocol first", () => {
    expect(isHttpsRequest(new Headers({ "x-forwarded-proto": "https" }))).toBe(true);
    expect(isHttpsRequest(new Headers({ "x-forwarded-proto": "https,http" }))).toBe(true);
    expect(isHttpsRequest(new Headers({ "x-forwarded-proto": "http", origin: "https://a" }))).toBe(false);
  });

  it("falls back to the browser's origin, and to plain http", () => {
    expect(isHttpsRequest(new Headers({ origin: "https://ferry.example" }))).toBe(true);
    expect(isHttpsRequest(new Headers({ origin: "http://localhost:3000" }))).toBe(false);
    expect(isHttpsRequest(new Headers())).toBe(false);
  });
});

describe("sessionCookieOptions", () => {
  it("is httpOnly, lax, site-wide, and secure only when asked", () => {
    const expires = new Date(0);
    expect(sessionCookieOptions(expires, true)).toEqual({ httpOnly: true, sameSite: "lax", secure: true, path: "/", expires });
    expect(sessionCookieOptions(expires, false).secure).toBe(false);
  });
});
