import { describe, expect, it } from "vitest";
import { deleteKey, setKey, setScalar, valueAt } from "../edit";
import { lineOfPath } from "./lines";
import { parseYamlAst, parseYamlDocuments, DEFAULT_YAML_LIMITS } from "./parse";

const lastWins = (text: string) => parseYamlDocuments(text, DEFAULT_YAML_LIMITS, "last-wins");

describe("parseYamlDocuments and repeated keys", () => {
  const text = "a: 1\nimage:\n  tag: x\n  repo: r\nb: 2\nimage:\n  tag: y\n";

  it("refuses them by default, with the line of the repeat", () => {
    expect(parseYamlDocuments(text)).toEqual({ documents: [], errors: [{ line: 6, message: "Map keys must be unique" }] });
  });

  it("with last-wins, reads the last occurrence whole (no merge with the first) and lists every repeat", () => {
    expect(lastWins(text)).toEqual({
      documents: [{ index: 0, value: { a: 1, image: { tag: "y" }, b: 2 }, duplicateKeys: [{ path: "image", line: 6, firstLine: 2 }] }],
      errors: [],
    });
  });

  it("names nested and in-sequence repeats by path, and keeps document indices of a multi-document file", () => {
    const multi = "ok: 1\n---\nenv:\n  - name: A\n    value: x\n    value: y\n---\nfine: 2\nfine: 3\n";
    expect(lastWins(multi)).toEqual({
      documents: [
        { index: 0, value: { ok: 1 } },
        { index: 1, value: { env: [{ name: "A", value: "y" }] }, duplicateKeys: [{ path: "env[0].value", line: 6, firstLine: 5 }] },
        { index: 2, value: { fine: 3 }, duplicateKeys: [{ path: "fine", line: 9, firstLine: 8 }] },
      ],
      errors: [],
    });
  });

  it("1 and '1' are different keys; only real repeats are listed", () => {
    expect(lastWins("1: a\n'1': b\nx: 1\nx: 2\n").documents[0]?.duplicateKeys).toEqual([{ path: "x", line: 4, firstLine: 3 }]);
  });

  it("a document with another error besides a repeat stays an error", () => {
    const parsed = lastWins("a: 1\na: 2\nb: [\n");
    expect(parsed.documents).toEqual([]);
    expect(parsed.errors.length).toBeGreaterThan(0);
  });

  it("lineOfPath points at the occurrence that is read", () => {
    const { documents, lineCounter } = parseYamlAst(text);
    const doc = documents[0];
    if (!doc) throw new Error("no document");
    expect(lineOfPath(doc, lineCounter, ["image", "tag"])).toBe(7);
  });
});

describe("edits of a file with repeated keys", () => {
  const text = "image:\n  tag: 1.0.0 # dropped by Helm\nimage:\n  tag: 2.0.0 # read\n";

  it("change the last occurrence, so that re-reading gives the new value", () => {
    const edited = setScalar(text, 0, ["image", "tag"], "3.0.0");
    expect(edited).toBe("image:\n  tag: 1.0.0 # dropped by Helm\nimage:\n  tag: 3.0.0 # read\n");
    expect(lastWins(edited).documents[0]?.value).toEqual({ image: { tag: "3.0.0" } });
    expect(valueAt(edited, 0, ["image", "tag"])).toBe("3.0.0");
  });

  it("setKey adds a missing key to the mapping that is read", () => {
    const edited = setKey(text, 0, ["image"], "digest", "sha256:abc");
    expect(lastWins(edited).documents[0]?.value).toEqual({ image: { tag: "2.0.0", digest: "sha256:abc" } });
  });

  it("deleteKey refuses a repeated key: removing the last would bring the first back", () => {
    expect(() => deleteKey("tag: a\ntag: b\n", 0, [], "tag")).toThrow(/written more than once/);
    expect(deleteKey("tag: a\nother: b\n", 0, [], "tag")).toBe("other: b\n");
  });
});
