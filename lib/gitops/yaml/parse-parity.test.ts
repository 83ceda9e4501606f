import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseYamlDocuments, parseYamlDocumentsExact, parseYamlDocumentsFast } from "./parse";

// parseYamlDocuments answers from js-yaml when it can and from `yaml` otherwise; the two must give
// the same documents, indices and errors, or the reader and the editors (which use `yaml`) would
// disagree about a file. Checked on every YAML file of the fixtures, the demo repositories and the
// scaffold presets, plus the cases where the two libraries are known to differ.

const ROOT = path.resolve(import.meta.dirname, "../../..");
const CORPUS = ["lib/gitops/fixtures", "lib/gitops/scaffold/presets", "demo/repos"];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry.name) && statSync(full).size < 1_000_000 ? [full] : [];
  });
}

describe("parseYamlDocuments: the fast path agrees with yaml", () => {
  const files = CORPUS.flatMap((dir) => yamlFiles(path.join(ROOT, dir)));

  it("on every YAML file of the fixtures, presets and demo repositories", () => {
    expect(files.length).toBeGreaterThan(100);
    const disagreements = files.filter((file) => {
      const text = readFileSync(file, "utf8");
      return JSON.stringify(parseYamlDocuments(text)) !== JSON.stringify(parseYamlDocumentsExact(text));
    });
    expect(disagreements.map((f) => path.relative(ROOT, f))).toEqual([]);
    // …and the comparison means something: most files really took the fast path.
    const fast = files.filter((file) => parseYamlDocumentsFast(readFileSync(file, "utf8")) !== null);
    expect(fast.length / files.length).toBeGreaterThan(0.8);
  });

  it.each([
    ["binary-looking scalars stay strings (YAML 1.2 core)", "tag: 0b101\nhex: 0x1F\noctal: 0o17\nplain: 0755\n"],
    ["timestamps stay strings", "date: 2024-01-01\nat: 2024-01-01T10:00:00Z\n"],
    ["yes/no/on/off stay strings", "a: yes\nb: off\nc: True\n"],
    ["a comment-only file has no documents", "# nothing here\n"],
    ["empty documents keep their indices", "---\n---\na: 1\n---\n"],
    ["duplicate keys are an error with a line", "a: 1\nb: 2\na: 3\n"],
    ["aliases to collections", "base: &b {x: 1}\nother: *b\n"],
    ["merge keys are not merged (YAML 1.2)", "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n"],
    ["unquoted templates", "name: {{ .Values.name }}\n"],
    ["tabs in indentation", "a:\n\tb: 1\n"],
    ["a broken document among good ones", "ok: 1\n---\na: [\n---\nfine: 2\n"],
    ["floats and infinities", "a: 1.10\nb: 1e3\nc: .inf\nd: -.Inf\ne: .nan\n"],
    ["block scalars", "a: |\n  x\n  y\n\nb: >-\n  p\n  q\nc: |+\n  keep\n\n"],
    ["quoted and escaped strings", "a: \"x\\ty\\u00e9\"\nb: 'it''s'\nc: \"\"\n"],
  ])("%s", (_name, text) => {
    expect(parseYamlDocuments(text)).toEqual(parseYamlDocumentsExact(text));
  });
});
