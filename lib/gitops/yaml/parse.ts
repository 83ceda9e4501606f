import { FAILSAFE_SCHEMA, loadAll, Type, types } from "js-yaml";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";

/** Limits that keep hostile YAML from exhausting memory or time. */
export interface YamlLimits {
  /** Alias expansions allowed per document; a billion-laughs file exceeds it and is refused. */
  maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxAliasCount: 100 };

export interface YamlProblem {
  /** 1-based line, when the parser could locate the problem. */
  line?: number;
  message: string;
}

export interface ParsedDocument {
  /** Position of the document in the file (0-based), counting empty documents too. */
  index: number;
  /** Plain JS value of the document; null for an empty document. */
  value: unknown;
  /** Keys repeated in one mapping, when the document was read with the last one winning (see DuplicateKeys). */
  duplicateKeys?: DuplicateKey[];
}

/** A mapping key written more than once in the same mapping. */
export interface DuplicateKey {
  /** Readable path of the key: `service`, `image.tag`, `envs[0].name`. */
  path: string;
  /** 1-based line of the occurrence that is read (the last one). */
  line: number;
  /** 1-based line of the first occurrence, which the last one replaces whole. */
  firstLine: number;
}

/**
 * What to do with a document whose only problems are duplicate keys. YAML forbids them and the
 * `yaml` package refuses them ("error", the default: Kubernetes objects and kustomizations, which
 * kubectl's strict field validation and kustomize's kyaml refuse too). "last-wins" reads them as
 * Helm reads a values file: chartutil.ReadValues unmarshals with sigs.k8s.io/yaml over go-yaml v2,
 * which keeps the last occurrence of a key and drops the earlier ones whole, without a word
 * (helm/helm#4107 and #11223: `image:` written twice, the second block alone is used;
 * helm-unittest/helm-unittest#848: "Real Helm accepts the file and keeps the last duplicate").
 */
export type DuplicateKeys = "error" | "last-wins";

export interface ParsedYaml {
  documents: ParsedDocument[];
  errors: YamlProblem[];
}

const BOM = "\uFEFF";

export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

function firstLine(message: string): string {
  const line = message.split("\n", 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}

// js-yaml's core schema also reads `0b101` as a number; the YAML 1.2 core schema (and `yaml`, which
// edits these files) keeps it a string, so the int type here refuses the binary form.
const coreInt = new Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (data: string | null) => data !== null && !/^[-+]?0b/.test(data) && types.int.resolve(data),
  construct: (data: string) => types.int.construct(data) as number,
});
// js-yaml's CORE_SCHEMA with that int type.
const READ_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [types.null, types.bool, coreInt, types.float] });

/** True when an object or array is reachable twice: the document used an alias to a collection. */
function sharesCollections(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (seen.has(value)) return true;
  seen.add(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) if (sharesCollections(child, seen)) return true;
  return false;
}

/**
 * The fast path: js-yaml builds plain values about ten times faster than `yaml` builds and converts
 * its node tree, and a full index parses tens of thousands of files. It only answers when its result
 * is known to equal `yaml`'s: anything unusual (an error, an alias to a collection, an empty
 * document, a template with `{{`) returns null and goes the exact, slower way, so errors, line
 * numbers, alias limits and document indices stay those of the parser the edits use.
 */
export function parseYamlDocumentsFast(source: string): ParsedDocument[] | null {
  if (source.includes("{{")) return null;
  let values: unknown[];
  try {
    values = loadAll(source, null, { schema: READ_SCHEMA }) as unknown[];
  } catch {
    return null;
  }
  const documents: ParsedDocument[] = [];
  const seen = new Set<object>();
  for (const [index, value] of values.entries()) {
    if (value === null || value === undefined || sharesCollections(value, seen)) return null;
    documents.push({ index, value });
  }
  return documents;
}

/**
 * Parse every document of a YAML stream into plain values.
 * Never throws: syntax errors and alias bombs come back as problems with a line number.
 */
export function parseYamlDocuments(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS, duplicateKeys: DuplicateKeys = "error"): ParsedYaml {
  const source = stripBom(text);
  // js-yaml refuses duplicate keys too, so such a file always takes the exact path.
  const fast = parseYamlDocumentsFast(source);
  if (fast) return { documents: fast, errors: [] };
  return parseYamlDocumentsExact(source, limits, duplicateKeys);
}

/** The exact path alone (with `yaml`): what the fast path must agree with. Exported for that test. */
export function parseYamlDocumentsExact(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS, duplicateKeys: DuplicateKeys = "error"): ParsedYaml {
  const source = stripBom(text);
  const documents: ParsedDocument[] = [];
  const errors: YamlProblem[] = [];
  // Line numbers are computed only for the rare failing document: a LineCounter costs on every parse.
  const lineAt = (offset: number) => {
    let line = 1;
    for (let i = source.indexOf("\n"); i >= 0 && i < offset; i = source.indexOf("\n", i + 1)) line++;
    return line;
  };
  let docs: Document.Parsed[];
  try {
    // logLevel "error": an unquoted `{{ x }}` (a template) is a map used as a key, which `yaml` would
    // report on stderr for every such file read; the reader already treats templates as templates.
    docs = parseAllDocuments(source, { prettyErrors: false, logLevel: "error" }) as Document.Parsed[];
  } catch (e) {
    return { documents, errors: [{ message: e instanceof Error ? e.message : String(e) }] };
  }
  if (!Array.isArray(docs)) docs = [docs];
  // Parsed again without the uniqueness check only when a document needs it (rare): uniqueKeys
  // changes no token or document boundary, so the indices of the two parses line up.
  let lenient: Document.Parsed[] | undefined;
  docs.forEach((strict, index) => {
    let doc = strict;
    let repeated: DuplicateKey[] | undefined;
    if (duplicateKeys === "last-wins" && doc.errors.length > 0 && doc.errors.every((e) => e.code === "DUPLICATE_KEY")) {
      lenient ??= parseAllDocuments(source, { prettyErrors: false, logLevel: "error", uniqueKeys: false }) as Document.Parsed[];
      const again = lenient[index];
      if (again && again.errors.length === 0) {
        doc = again;
        repeated = duplicateKeysOf(again, lineAt);
      }
    }
    const err = doc.errors[0];
    if (err) {
      const line = lineAt(err.pos[0]);
      errors.push({ line, message: firstLine(err.message) });
      return;
    }
    try {
      const value = doc.toJS({ maxAliasCount: limits.maxAliasCount }) as unknown;
      documents.push(repeated ? { index, value, duplicateKeys: repeated } : { index, value });
    } catch (e) {
      const line = doc.range ? lineAt(doc.range[0]) : undefined;
      const message = e instanceof Error ? e.message : String(e);
      errors.push({ line, message: `document ${index} refused: ${message}` });
    }
  });
  return { documents, errors };
}

/**
 * Every key written again in the same mapping, with the line of the occurrence that is read (the
 * last) and of the first. Walks the dropped occurrences too: a repeat inside them is as worth fixing.
 */
function duplicateKeysOf(doc: Document.Parsed, lineAt: (offset: number) => number): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const walk = (node: unknown, path: string): void => {
    if (isMap(node)) {
      // Keyed by the scalar value itself, as `yaml` compares keys: `1` and `"1"` are different keys.
      // Offsets, turned into lines only for a repeat: lineAt counts from the start of the file.
      const first = new Map<unknown, number>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key : null;
        const childPath = key ? (path ? `${path}.${String(key.value)}` : String(key.value)) : path;
        if (key?.range) {
          const seen = first.get(key.value);
          if (seen === undefined) first.set(key.value, key.range[0]);
          else out.push({ path: childPath, line: lineAt(key.range[0]), firstLine: lineAt(seen) });
        }
        walk(pair.value, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, `${path}[${i}]`));
    }
  };
  walk(doc.contents, "");
  return out.sort((a, b) => a.line - b.line);
}

export interface ParsedYamlAst {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
}

/** Parse keeping the node tree, for callers that need source positions (config errors, in-place edits). */
export function parseYamlAst(text: string): ParsedYamlAst {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(stripBom(text), { lineCounter, prettyErrors: false });
  return { documents: Array.isArray(documents) ? documents : [documents as unknown as Document.Parsed], lineCounter };
}

/**
 * Helm values written as text inside another manifest (an Application's `helm.values`, a ConfigMap a
 * HelmRelease takes `valuesFrom`): Helm reads the text itself, so a repeated key is read as Helm reads it,
 * the last one winning (see DuplicateKeys).
 */
export function parseHelmValuesText(text: string): ParsedYaml {
  return parseYamlDocuments(text, DEFAULT_YAML_LIMITS, "last-wins");
}
