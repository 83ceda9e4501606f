import { describe, expect, it } from "vitest";
import { promotionRequestSchema } from "./promotion-request";

const base = { repository: "shop-gitops", app: "shop", from: "staging", to: "production" };

describe("promotion request confirmations", () => {
  it("reads yes/no from JSON booleans and form strings, and never reads \"false\" as a confirmation", () => {
    const parse = (v: unknown) => promotionRequestSchema.parse({ ...base, allowFloating: v }).allowFloating;
    expect(parse(true)).toBe(true);
    expect(parse(false)).toBe(false);
    expect(parse("on")).toBe(true);
    expect(parse("true")).toBe(true);
    expect(parse("false")).toBe(false);
    expect(parse("0")).toBe(false);
    expect(parse(undefined)).toBe(false);
    expect(promotionRequestSchema.parse(base).allowDowngrade).toBe(false);
  });

  it("refuses a value that is neither yes nor no", () => {
    expect(promotionRequestSchema.safeParse({ ...base, allowUnpin: "maybe" }).success).toBe(false);
    expect(promotionRequestSchema.safeParse({ ...base, allowReplaceDigestPin: 1 }).success).toBe(false);
  });
});
