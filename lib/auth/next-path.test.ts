import { describe, expect, it } from "vitest";
import { safeNextPath, signInPath } from "./next-path";

describe("safeNextPath", () => {
  it.each([
    ["/apps/checkout?env=prod", "/apps/checkout?env=prod"],
    ["/", "/"],
    ["/a#frag", "/a#frag"],
  ])("keeps the same-site path %s", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each<[unknown, string]>([
    ["https://evil.example/", "absolute URL"],
    ["//evil.example/x", "protocol-relative"],
    ["/\\evil.example", "backslash read as //"],
    ["/\t/evil.example", "tab stripped by URL parsers"],
    ["javascript:alert(1)", "scheme"],
    ["apps", "relative without slash"],
    ["", "empty"],
    ["/signin", "the sign-in page (loop)"],
    ["/signin?next=/x", "the sign-in page with a query"],
    [undefined, "absent"],
    [["/a"], "not a string"],
    ["/" + "a".repeat(3000), "absurdly long"],
  ])("replaces %j (%s) by /", (input) => {
    expect(safeNextPath(input)).toBe("/");
  });

  it("percent-encodes characters outside ASCII, which a Location header cannot hold", () => {
    expect(safeNextPath("/apps/ä?q=größe")).toBe("/apps/%C3%A4?q=gr%C3%B6%C3%9Fe");
    expect(safeNextPath("/中文")).toBe("/%E4%B8%AD%E6%96%87");
    expect(safeNextPath("/x\uD800")).toBe("/");
    expect(signInPath("/änderungen")).toBe("/signin?next=%2F%25C3%25A4nderungen");
  });

  it("does not mistake /signing-keys for the sign-in page", () => {
    expect(safeNextPath("/signing-keys")).toBe("/signing-keys");
  });
});

describe("signInPath", () => {
  it("encodes the return path", () => {
    expect(signInPath("/apps/a b?x=1&y=2")).toBe("/signin?next=%2Fapps%2Fa%20b%3Fx%3D1%26y%3D2");
  });

  it("drops a return path that is home or unsafe", () => {
    expect(signInPath("/")).toBe("/signin");
    expect(signInPath("//evil.example")).toBe("/signin");
    expect(signInPath(null)).toBe("/signin");
  });
});
