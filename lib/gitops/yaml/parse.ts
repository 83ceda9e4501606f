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

/**
 * Parse every document of a YAML stream into plain values.
 * Never throws: syntax errors and alias bombs come back as problems with a line number.
 */
export function parseYamlDocuments(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedYaml {
  const documents: ParsedDocument[] = [];
  const errors: YamlProblem[] = [];
  const source = stripBom(text);
  // Line numbers are computed only for the rare failing document: a LineCounter costs on every parse.
  const lineAt = (offset: number) => {
    let line = 1;
    for (let i = source.indexOf("\n"); i >= 0 && i < offset; i = source.indexOf("\n", i + 1)) line++;
    return line;
  };
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(source, { prettyErrors: false }) as Document.Parsed[];
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
