import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type ParsedNode } from "yaml";
import { YamlEditError } from "./errors";

export type EditPath = readonly (string | number)[];

export interface ParsedText {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
}

/**
 * Parse keeping source tokens. Offsets are into the original text (the BOM included), which is what
 * lets edits splice the original string instead of re-serialising it.
 *
 * Repeated keys are accepted and every lookup takes the last occurrence (findLast below). The reader
 * reads a values file with repeated keys as Helm does, the last one winning (yaml/parse.ts
 * DuplicateKeys), so that occurrence is the one a promotion must change: editing the first would
 * change a line Helm never reads, and the new version would not be deployed. Refusing instead would
 * block promotions of files Helm deploys without complaint. The reader refuses Kubernetes objects and
 * kustomizations with repeated keys (read/duplicate-keys.ts), so no edit is planned into those.
 */
export function parseForEdit(text: string): ParsedText {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { keepSourceTokens: true, lineCounter, prettyErrors: false, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [documents as unknown as Document.Parsed];
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      const line = lineCounter.linePos(err.pos[0]).line;
      throw new YamlEditError("parse-error", `line ${line}: ${err.message.split("\n", 1)[0] ?? err.message}`, line);
    }
  }
  return { documents: list, lineCounter };
}

export function documentAt(parsed: ParsedText, doc: number): Document.Parsed {
  const d = parsed.documents[doc];
  if (!d) throw new YamlEditError("no-document", `document ${doc} does not exist (the file has ${parsed.documents.length})`);
  return d;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? "" : String(key.value);
  return undefined;
}

/** The node at `path`, or a typed error naming the first step that does not exist. */
export function nodeAt(parsed: ParsedText, doc: number, path: EditPath): ParsedNode {
  const d = documentAt(parsed, doc);
  let node: ParsedNode | null = d.contents;
  let line: number | undefined;
  const walked: string[] = [];
  for (const step of path) {
    if (node && node.range) line = parsed.lineCounter.linePos(node.range[0]).line;
    if (isAlias(node)) throw new YamlEditError("unsupported", `${fmt(walked)} is an alias; edit the anchor instead`, line);
    if (isMap(node)) {
      const pair = node.items.findLast((p) => keyText(p.key) === String(step));
      if (!pair) throw new YamlEditError("path-not-found", `${fmt([...walked, String(step)])} not found`, line);
      node = pair.value as ParsedNode | null;
    } else if (isSeq(node) && typeof step === "number") {
      const item = node.items[step] as ParsedNode | undefined;
      if (!item) throw new YamlEditError("path-not-found", `${fmt([...walked, `[${step}]`])} not found`, line);
      node = item;
    } else {
      throw new YamlEditError("path-not-found", `${fmt([...walked, String(step)])} not found`, line);
    }
    walked.push(typeof step === "number" ? `[${step}]` : step);
  }
  if (!node) throw new YamlEditError("path-not-found", `${fmt(walked)} has no value`, line);
  return node;
}

function fmt(steps: string[]): string {
  return steps.map((s, i) => (s.startsWith("[") || i === 0 ? s : `.${s}`)).join("") || "(document root)";
}

export function lineOf(parsed: ParsedText, node: Node): number | undefined {
  return node.range ? parsed.lineCounter.linePos(node.range[0]).line : undefined;
}

/** The file's line break, so inserted lines match (CRLF files stay CRLF). */
export function lineBreak(text: string): string {
  return /\r\n/.test(text) ? "\r\n" : "\n";
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  const nl = text.lastIndexOf("\n", offset - 1);
  return nl + 1;
}

/** Offset just before the line break of the line holding `offset` (or the end of text). */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  if (nl < 0) return text.length;
  return text[nl - 1] === "\r" ? nl - 1 : nl;
}

/** Plain value at `path`, or undefined when the path does not exist (parse errors still throw). */
export function valueAt(text: string, doc: number, path: EditPath): unknown {
  const parsed = parseForEdit(text);
  try {
    const node = nodeAt(parsed, doc, path);
    return node.toJSON() as unknown;
  } catch (e) {
    if (e instanceof YamlEditError && e.code === "path-not-found") return undefined;
    throw e;
  }
}
