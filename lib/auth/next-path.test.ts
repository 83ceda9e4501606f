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
