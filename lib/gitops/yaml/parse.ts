import { FAILSAFE_SCHEMA, loadAll, Type, types } from "js-yaml";
import { LineCounter, parseAllDocuments, type Document } from "yaml";

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
}

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
export function parseYamlDocuments(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedYaml {
  const source = stripBom(text);
  const fast = parseYamlDocumentsFast(source);
  if (fast) return { documents: fast, errors: [] };
  return parseYamlDocumentsExact(source, limits);
}

/** The exact path alone (with `yaml`): what the fast path must agree with. Exported for that test. */
export function parseYamlDocumentsExact(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedYaml {
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
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const line = lineAt(err.pos[0]);
      errors.push({ line, message: firstLine(err.message) });
      return;
    }
    try {
      documents.push({ index, value: doc.toJS({ maxAliasCount: limits.maxAliasCount }) as unknown });
    } catch (e) {
      const line = doc.range ? lineAt(doc.range[0]) : undefined;
      const message = e instanceof Error ? e.message : String(e);
      errors.push({ line, message: `document ${index} refused: ${message}` });
    }
  });
  return { documents, errors };
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
