import { describe, expect, it } from "vitest";
import { splitManifests } from "./split-manifests";

function texts(rendered: string): string[] {
  const chunks = splitManifests(rendered);
  // Every chunk is the rendered text at its offset: printed values are matched to documents by offset.
  for (const c of chunks) expect(rendered.slice(c.start, c.start + c.text.length)).toBe(c.text);
  return chunks.map((c) => c.text);
}

describe("rendered templates split into documents as Helm splits them", () => {
  it("splits on `---` lines, with or without whitespace and a comment after them", () => {
    expect(texts("a: 1\n---\nb: 2\n---   \nc: 3\n--- # third\nd: 4\n")).toEqual(["a: 1", "b: 2", "c: 3", "# third\nd: 4"]);
  });

  it("takes `---` glued to the next document (a trim marker ate the newline) as a separator", () => {
    // `---` then `{{- end }}` at the end of a range: the next iteration renders right after the dashes.
    expect(texts("\napiVersion: v1\nkind: A\n---apiVersion: v1\nkind: B\n---")).toEqual(["apiVersion: v1\nkind: A", "apiVersion: v1\nkind: B"]);
  });

  it("trims the stream first, so a `---` after leading blank lines opens the first document, and drops empty documents", () => {
    // A separator takes the blank lines after it: the `---` that follows starts the document (YAML reads it as its start marker).
    expect(texts("\n\n  ---\nx: 1\n---\n\n---\n\ny: 2\n\n---\n")).toEqual(["x: 1", "---\n\ny: 2"]);
    expect(texts("")).toEqual([]);
    expect(texts("\n---\n")).toEqual([]);
  });

  it("keeps an indented `---` (inside a block scalar) in its document", () => {
    expect(texts("data:\n  config: |\n    ---\n    a: 1\n---\nb: 2")).toEqual(["data:\n  config: |\n    ---\n    a: 1", "b: 2"]);
  });

  it("gives each document its offset in the rendered text", () => {
    const rendered = "  \nk: 1\n---k: 2\n  \n---\n\nk: 3";
    expect(splitManifests(rendered).map((c) => c.start)).toEqual([3, 11, 24]);
  });
});
