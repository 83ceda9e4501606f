import { describe, expect, it } from "vitest";
import { activeFilters, matrixQueryString, parseMatrixQuery, parseMatrixSearch, toggleEnvironment } from "./matrix-query";

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

  it("drops NUL bytes from the search text, which Postgres cannot hold", () => {
    expect(parseMatrixQuery({ q: "check\u0000out" }).q).toBe("checkout");
    expect(parseMatrixQuery({ q: "\u0000" }).q).toBeNull();
  });

  it("round-trips through the query string", () => {
    const query = parseMatrixQuery({ team: "search", env: "dev", drift: "1", page: "2" });
    const again = parseMatrixQuery(Object.fromEntries(new URLSearchParams(matrixQueryString(query).slice(1))));
    expect(again).toEqual(query);
  });

  it("reads a URL's search params as a page reads its searchParams, so a poll asks for the page it polls", () => {
    const query = parseMatrixQuery({ team: "search", env: "dev,production", q: "a&b c", drift: "1", live: "problems", page: "3" });
    expect(parseMatrixSearch(new URLSearchParams(matrixQueryString(query)))).toEqual(query);
    // A repeated key is a list, as in searchParams; a single value with commas is split by the parser.
    expect(parseMatrixSearch(new URLSearchParams("env=dev&env=staging")).envs).toEqual(["dev", "staging"]);
    expect(parseMatrixSearch(new URLSearchParams("env=dev,staging&team=a&team=b"))).toMatchObject({ envs: ["dev", "staging"], team: "a" });
  });

  it("reads and writes the live-state filter (only out of sync or unhealthy)", () => {
    const query = parseMatrixQuery({ live: "problems" });
    expect(query.onlyLiveProblems).toBe(true);
    expect(matrixQueryString(query)).toBe("?live=problems");
    expect(parseMatrixQuery({ live: "other" }).onlyLiveProblems).toBeUndefined();
    expect(activeFilters(query, []).map((f) => [f.label, matrixQueryString(f.without)])).toEqual([["only out of sync or unhealthy", ""]]);
  });

  it("omits defaults from the query string", () => {
    expect(matrixQueryString({ page: 1, envs: [], onlyDrift: false })).toBe("");
  });
});

describe("toggleEnvironment", () => {
  const all = ["dev", "staging", "production"];

  it("unticking an environment while all are shown hides that one (not shows only it)", () => {
    expect(toggleEnvironment([], all, "dev")).toEqual(["staging", "production"]);
    const url = matrixQueryString({ envs: toggleEnvironment([], all, "dev") });
    expect(url).toBe("?env=staging%2Cproduction");
    // The reload shows the same: dev stays hidden.
    expect(parseMatrixQuery(Object.fromEntries(new URLSearchParams(url.slice(1)))).envs).toEqual(["staging", "production"]);
  });

  it("ticking it again shows every environment, which is the default URL", () => {
    expect(toggleEnvironment(["staging", "production"], all, "dev")).toEqual([]);
    expect(toggleEnvironment(["production"], all, "dev")).toEqual(["dev", "production"]);
  });

  it("refuses to hide the last shown environment", () => {
    expect(toggleEnvironment(["production"], all, "production")).toEqual(["production"]);
  });
});

describe("activeFilters", () => {
  const all = ["dev", "staging", "production"];

  it("names every active filter, each removable on its own", () => {
    const query = parseMatrixQuery({ team: "search", app: "checkout", q: "api", drift: "1", env: "staging,production", page: "2" });
    const chips = activeFilters(query, all);
    expect(chips.map((c) => c.label)).toEqual(["team search", "app checkout", 'search "api"', "only drift", "dev hidden"]);
    expect(chips.find((c) => c.key === "app")?.without).toEqual({ ...query, app: null, page: 1 });
    expect(chips.find((c) => c.key === "env-dev")?.without.envs).toEqual([]);
  });

  it("has none for the default view", () => {
    expect(activeFilters(parseMatrixQuery({}), all)).toEqual([]);
  });

  it("shows an environment the URL names that does not exist", () => {
    expect(activeFilters(parseMatrixQuery({ env: "qa" }), all).map((c) => [c.label, c.without.envs])).toEqual([
      ["dev hidden", ["dev", "qa"]],
      ["staging hidden", ["staging", "qa"]],
      ["production hidden", ["production", "qa"]],
      ["environment qa (unknown)", []],
    ]);
  });
});
