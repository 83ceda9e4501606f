import { describe, expect, it } from "vitest";
import { matrixQueryString, parseMatrixQuery } from "./matrix-query";

describe("parseMatrixQuery", () => {
  it("reads every filter from the URL", () => {
    expect(parseMatrixQuery({ team: "payments", app: "checkout", env: "staging,production", q: " 1.4 ", drift: "1", page: "3" })).toEqual({
      team: "payments",
      app: "checkout",
      envs: ["staging", "production"],
      q: "1.4",
      onlyDrift: true,
      page: 3,
    });
  });

  it("drops malformed values instead of failing the page", () => {
    const q = parseMatrixQuery({ team: "../etc", env: ["ok", "bad env", "<x>"], page: "-2" });
    expect(q).toEqual({ team: null, app: null, envs: ["ok"], q: null, onlyDrift: false, page: 1 });
  });

  it("round-trips through the query string", () => {
    const query = parseMatrixQuery({ team: "search", env: "dev", drift: "1", page: "2" });
    const again = parseMatrixQuery(Object.fromEntries(new URLSearchParams(matrixQueryString(query).slice(1))));
    expect(again).toEqual(query);
  });

  it("omits defaults from the query string", () => {
    expect(matrixQueryString({ page: 1, envs: [], onlyDrift: false })).toBe("");
  });
});
