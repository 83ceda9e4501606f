import { describe, expect, it } from "vitest";
import { parseYamlDocuments } from "./parse";
import { formatPath, getAtPath, parseDottedPath } from "./path";

describe("parseYamlDocuments", () => {
  it("reads multi-doc YAML with BOM, CRLF and empty documents, keeping document indexes", () => {
    const parsed = parseYamlDocuments("\uFEFFa: 1\r\n---\r\n---\r\nb: 2\r\n");
    expect(parsed.errors).toEqual([]);
    expect(parsed.documents).toEqual([
      { index: 0, value: { a: 1 } },
      { index: 1, value: null },
      { index: 2, value: { b: 2 } },
    ]);
  });
  it("reports the line of a syntax error and keeps the good documents", () => {
    const parsed = parseYamlDocuments("ok: 1\n---\na: [\nb: 2\n");
    expect(parsed.documents).toEqual([{ index: 0, value: { ok: 1 } }]);
    expect(parsed.errors[0]?.line).toBeGreaterThanOrEqual(3);
  });
  it("expands a few aliases but refuses an alias bomb", () => {
    expect(parseYamlDocuments("a: &x {k: v}\nb: *x\n").documents[0]?.value).toEqual({ a: { k: "v" }, b: { k: "v" } });
    const bomb = ["a: &a [x,x,x,x,x,x,x,x,x]", ..."bcdefgh".split("").map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`)].join("\n");
    const parsed = parseYamlDocuments(bomb);
    expect(parsed.documents).toEqual([]);
    expect(parsed.errors[0]?.message).toMatch(/alias/i);
  });
});

describe("paths", () => {
  it("round-trips dotted paths", () => {
    expect(parseDottedPath("spec.sources[1].targetRevision")).toEqual(["spec", "sources", 1, "targetRevision"]);
    expect(formatPath(["spec", "sources", 1, "targetRevision"])).toBe("spec.sources[1].targetRevision");
    expect(getAtPath({ a: [{ b: 3 }] }, ["a", 0, "b"])).toBe(3);
    expect(getAtPath({ a: 1 }, ["a", "b"])).toBeUndefined();
  });
});
