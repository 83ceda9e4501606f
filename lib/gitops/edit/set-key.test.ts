import { describe, expect, it } from "vitest";
import { deleteKey, setKey } from "./set-key";

describe("setKey / deleteKey", () => {
  it("adds a missing key at the mapping's indentation, keeping the rest", () => {
    const text = "images:\n  - name: app # c\n    newTag: 1.0.0\n";
    expect(setKey(text, 0, ["images", 0], "digest", "sha256:abc")).toBe("images:\n  - name: app # c\n    newTag: 1.0.0\n    digest: sha256:abc\n");
  });

  it("replaces an existing scalar in place", () => {
    expect(setKey("a: 'x'\nb: 1\n", 0, [], "a", "y")).toBe("a: 'y'\nb: 1\n");
  });

  it("adds a nested mapping", () => {
    expect(setKey("spec:\n  a: 1\n", 0, ["spec"], "strategy", { type: "Recreate" })).toBe("spec:\n  a: 1\n  strategy:\n    type: Recreate\n");
  });

  it("deletes a one-line entry with its line", () => {
    expect(deleteKey("- name: app\n  newTag: 1\n  digest: sha256:x # pin\n- name: b\n", 0, [0], "digest")).toBe("- name: app\n  newTag: 1\n- name: b\n");
  });
});
