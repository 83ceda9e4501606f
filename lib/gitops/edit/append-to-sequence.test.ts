import { describe, expect, it } from "vitest";
import { appendToSequence } from "./append-to-sequence";
import { YamlEditError } from "./errors";

describe("appendToSequence", () => {
  it("appends a mapping item to an indented block sequence, after the last item's comment", () => {
    const text = "images:\n  - name: a # first\n    newTag: '1.0'\nnamespace: prod\n";
    expect(appendToSequence(text, 0, ["images"], { name: "b", newTag: "2.0" })).toBe(
      "images:\n  - name: a # first\n    newTag: '1.0'\n  - name: b\n    newTag: '2.0'\nnamespace: prod\n",
    );
  });

  it("appends to an indentless sequence with CRLF", () => {
    const text = "resources:\r\n- ../base\r\n- ingress.yaml\r\n";
    expect(appendToSequence(text, 0, ["resources"], "hpa.yaml")).toBe("resources:\r\n- ../base\r\n- ingress.yaml\r\n- hpa.yaml\r\n");
  });

  it("appends to a flow sequence", () => {
    expect(appendToSequence("resources: [../base]\n", 0, ["resources"], "x.yaml")).toBe("resources: [../base, x.yaml]\n");
    expect(appendToSequence("images: []\n", 0, ["images"], { name: "a", newTag: "1.10" })).toBe('images: [{name: a, newTag: "1.10"}]\n');
  });

  it("adds a missing key at the end of the mapping, following the file's sequence indentation", () => {
    const text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\n";
    expect(appendToSequence(text, 0, ["images"], { name: "ghcr.io/acme/app", newTag: "1.3.0" })).toBe(
      text + "images:\n  - name: ghcr.io/acme/app\n    newTag: 1.3.0\n",
    );
  });

  it("fills a key that has no value", () => {
    expect(appendToSequence("images:\nnamespace: x\n", 0, ["images"], { name: "a", newTag: "1" })).toBe(
      'images:\n- name: a\n  newTag: "1"\nnamespace: x\n',
    );
    expect(appendToSequence("images: ~ # none yet\n", 0, ["images"], "x")).toBe("images: # none yet\n- x\n");
  });

  it("works in the second document only", () => {
    const text = "a: [1]\n---\nlist:\n- x\n";
    expect(appendToSequence(text, 1, ["list"], "y")).toBe("a: [1]\n---\nlist:\n- x\n- y\n");
  });

  it("refuses a non-sequence", () => {
    expect(() => appendToSequence("images: foo\n", 0, ["images"], "x")).toThrow(YamlEditError);
  });
});
