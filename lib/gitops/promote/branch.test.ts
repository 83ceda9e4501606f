import { describe, expect, it } from "vitest";
import { promotionBranch } from "./branch";

/** git check-ref-format rules Ferry's branches must satisfy, plus the tighter charset we promise. */
function assertGitSafe(ref: string): void {
  expect(ref).toMatch(/^[a-z0-9/-]+$/);
  expect(ref.length).toBeLessThanOrEqual(250);
  expect(ref).not.toMatch(/\.\.|\/\/|\/$|\.lock$|^-|\/-|-\//);
  expect(ref.startsWith("ferry/promote/")).toBe(true);
}

describe("promotionBranch", () => {
  it("is ferry/promote/<app>/<env> for ordinary names", () => {
    expect(promotionBranch("checkout", "production")).toBe("ferry/promote/checkout/production");
    expect(promotionBranch("checkout", "prod-eu")).toBe("ferry/promote/checkout/prod-eu");
  });

  it("sanitises hostile names", () => {
    const cases: [string, string, string][] = [
      ["Check Out", "PROD EU", "ferry/promote/check-out/prod-eu"],
      ["../../etc", "prod..x", "ferry/promote/etc/prod-x"],
      ["a~b^c:d?e*f[g\\h", "x.lock", "ferry/promote/a-b-c-d-e-f-g-h/x-lock"],
      ["café-ünïcödé", "生产", "ferry/promote/cafe-unicode/env"],
      ["@{-1}", "/", "ferry/promote/1/env"],
      ["", "", "ferry/promote/app/env"],
    ];
    for (const [app, env, expected] of cases) {
      const ref = promotionBranch(app, env);
      expect(ref).toBe(expected);
      assertGitSafe(ref);
    }
  });

  it("caps very long names at 250 characters and keeps them distinct", () => {
    const a = promotionBranch("x".repeat(300), "production");
    const b = promotionBranch(`${"x".repeat(299)}y`, "production");
    assertGitSafe(a);
    assertGitSafe(b);
    expect(a).not.toBe(b);
    expect(a).toBe(promotionBranch("x".repeat(300), "production"));
    assertGitSafe(promotionBranch("a".repeat(300), "b".repeat(300)));
  });
});
