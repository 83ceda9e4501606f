import { describe, expect, it } from "vitest";
import { YamlEditError } from "./errors";
import { setScalar } from "./set-scalar";

describe("setScalar", () => {
  it("changes only the value, keeping block and trailing comments", () => {
    const text = [
      "# the checkout overlay",
      "images:",
      "  # pinned by release",
      "  - name: ghcr.io/acme/checkout",
      "    newTag: 1.2.3 # keep me",
      "",
    ].join("\n");
    expect(setScalar(text, 0, ["images", 0, "newTag"], "1.3.0")).toBe(text.replace("1.2.3 # keep me", "1.3.0 # keep me"));
  });

  it("keeps a Flux image-automation setter comment on the same line", () => {
    const text = 'spec:\n  containers:\n    - name: auth\n      image: ghcr.io/acme/auth:1.0.0 # {"$imagepolicy": "flux-system:auth"}\n';
    const out = setScalar(text, 0, ["spec", "containers", 0, "image"], "ghcr.io/acme/auth:1.1.0");
    expect(out).toBe('spec:\n  containers:\n    - name: auth\n      image: ghcr.io/acme/auth:1.1.0 # {"$imagepolicy": "flux-system:auth"}\n');
  });

  it("keeps single, double and plain quoting", () => {
    expect(setScalar("a: 'v1'\n", 0, ["a"], "v2")).toBe("a: 'v2'\n");
    expect(setScalar('a: "v1"\n', 0, ["a"], "v2")).toBe('a: "v2"\n');
    expect(setScalar("a: v1\n", 0, ["a"], "v2")).toBe("a: v2\n");
    expect(setScalar("a: 'v1'\n", 0, ["a"], "it's")).toBe("a: 'it''s'\n");
  });

  it("quotes a plain value that would otherwise load as another type or another string", () => {
    expect(setScalar("tag: v1.9\n", 0, ["tag"], "1.10")).toBe('tag: "1.10"\n');
    expect(setScalar("tag: v1\n", 0, ["tag"], "010")).toBe('tag: "010"\n');
    expect(setScalar("tag: v1\n", 0, ["tag"], "true")).toBe('tag: "true"\n');
    expect(setScalar("tag: v1\n", 0, ["tag"], "null")).toBe('tag: "null"\n');
    expect(setScalar("tag: v1\n", 0, ["tag"], "a: b")).toBe('tag: "a: b"\n');
  });

  it("keeps a plain number plain when the new value prints the same (version: 1.2 → 1.3)", () => {
    expect(setScalar("version: 1.2\n", 0, ["version"], "1.3")).toBe("version: 1.3\n");
    expect(setScalar("version: 1.2\n", 0, ["version"], "1.30")).toBe('version: "1.30"\n');
  });

  it("keeps CRLF line endings and a BOM", () => {
    const text = "\uFEFFapiVersion: v1\r\nspec:\r\n  version: '1.0.0' # chart\r\n";
    expect(setScalar(text, 0, ["spec", "version"], "1.1.0")).toBe("\uFEFFapiVersion: v1\r\nspec:\r\n  version: '1.1.0' # chart\r\n");
  });

  it("edits only the requested document of a multi-document file", () => {
    const text = "---\nkind: A\ntag: 1.0.0\n---\n# second\nkind: B\ntag: 1.0.0\n...\n";
    expect(setScalar(text, 1, ["tag"], "2.0.0")).toBe("---\nkind: A\ntag: 1.0.0\n---\n# second\nkind: B\ntag: 2.0.0\n...\n");
  });

  it("edits inside flow mappings and sequences, quoting flow-unsafe values", () => {
    expect(setScalar("images: [{name: app, newTag: 1.0}]\n", 0, ["images", 0, "newTag"], "1.1")).toBe("images: [{name: app, newTag: 1.1}]\n");
    expect(setScalar("tags: [a, b]\n", 0, ["tags", 1], "c")).toBe("tags: [a, c]\n");
    expect(setScalar("tags: [a, b]\n", 0, ["tags", 1], "c,d")).toBe('tags: [a, "c,d"]\n');
  });

  it("keeps indentation of deeply nested and indentless sequences", () => {
    const text = "spec:\n    template:\n        containers:\n        - name: web\n          image: app:1\n";
    expect(setScalar(text, 0, ["spec", "template", "containers", 0, "image"], "app:2")).toBe(text.replace("app:1", "app:2"));
  });

  it("throws a typed error for a missing path", () => {
    const run = () => setScalar("a:\n  b: 1\n", 0, ["a", "c"], "x");
    expect(run).toThrow(YamlEditError);
    try {
      run();
    } catch (e) {
      expect((e as YamlEditError).code).toBe("path-not-found");
      expect((e as YamlEditError).message).toContain("a.c");
    }
    expect(() => setScalar("a: 1\n", 2, ["a"], "x")).toThrow(/document 2/);
    expect(() => setScalar("a:\n  b: 1\n", 0, ["a"], "x")).toThrow(/not a scalar/);
  });

  it("throws a parse error with the line for a broken file", () => {
    const broken = "a: 1\nb: [unclosed\nc: 2\n";
    try {
      setScalar(broken, 0, ["a"], "2");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(YamlEditError);
      expect((e as YamlEditError).code).toBe("parse-error");
      expect((e as YamlEditError).line).toBeGreaterThan(1);
    }
  });
});
