import { describe, expect, it } from "vitest";
import { decodePending, encodePending } from "./pending-sign-in";

describe("the pending sign-in cookie", () => {
  const pending = { state: "s", nonce: "n", verifier: "v".repeat(43), next: "/apps/checkout" };

  it("round-trips", () => {
    expect(decodePending(encodePending(pending))).toEqual(pending);
  });

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["not base64url JSON", "%%%"],
    ["JSON of another shape", Buffer.from(JSON.stringify({ state: "s" })).toString("base64url")],
    ["a field that is not a string", Buffer.from(JSON.stringify({ ...pending, next: 7 })).toString("base64url")],
    ["an empty field", Buffer.from(JSON.stringify({ ...pending, state: "" })).toString("base64url")],
    ["too long", "a".repeat(5000)],
  ])("reads %s as no sign-in started", (_, value) => {
    expect(decodePending(value)).toBeNull();
  });
});
