import { describe, expect, it } from "vitest";
import { toAuditJson } from "./audit";

describe("toAuditJson", () => {
  it("redacts secret-looking keys at any depth and keeps the rest", () => {
    const json = toAuditJson({
      app: "checkout",
      token: "ferry_abc",
      forge: { apiKey: "k", privateKey: "p", url: "https://x", headers: { Authorization: "Bearer y" } },
      list: [{ password: "pw", name: "n" }],
    });
    expect(json).toEqual({
      app: "checkout",
      token: "[redacted]",
      forge: { apiKey: "[redacted]", privateKey: "[redacted]", url: "https://x", headers: { Authorization: "[redacted]" } },
      list: [{ password: "[redacted]", name: "n" }],
    });
    expect(JSON.stringify(json)).not.toMatch(/ferry_abc|Bearer y|"pw"/);
  });

  it("turns non-JSON values into JSON and cuts cycles", () => {
    const cyclic: Record<string, unknown> = { at: new Date("2026-01-02T03:04:05Z"), n: 10n, f: () => 1, u: undefined };
    cyclic.self = cyclic;
    expect(toAuditJson(cyclic)).toEqual({ at: "2026-01-02T03:04:05.000Z", n: "10", self: "[cut]" });
    expect(toAuditJson(null)).toBeUndefined();
    expect(toAuditJson(new Set(["a"]))).toEqual(["a"]);
  });
});
