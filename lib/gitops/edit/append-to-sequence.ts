import { isMap, isScalar, isSeq, type ParsedNode, type YAMLMap, type YAMLSeq } from "yaml";
import { YamlEditError } from "./errors";
import { documentAt, lineBreak, lineEnd, lineOf, lineStart, nodeAt, parseForEdit, type EditPath, type ParsedText } from "./locate";
import { blockItemLines, flowItem, type FlatItem } from "./render";

/**
 * Append `item` to the sequence at `path` of document `doc`, in the style the file already uses: block items
 * at the existing dash column (indentless `- ` or indented), flow items inside `[ ]`, quoting copied from the
 * last item. When the key is missing (or has no value) and its parent is a block mapping, the key is added
 * with a one-item sequence. Comments and all other lines stay as they are.
 */
export function appendToSequence(text: string, doc: number, path: EditPath, item: FlatItem): string {
  const parsed = parseForEdit(text);
  const key = path[path.length - 1];
  const parentPath = path.slice(0, -1);
  let seq: ParsedNode | null = null;
  try {
    seq = nodeAt(parsed, doc, path);
  } catch (e) {
    if (!(e instanceof YamlEditError) || e.code !== "path-not-found" || typeof key !== "string") throw e;
  }
  if (seq && isScalar(seq) && seq.value === null) seq = null;
  if (seq === null) {
    if (typeof key !== "string") throw new YamlEditError("path-not-found", `${path.join(".")} not found`);
    return addKeyWithSequence(text, parsed, doc, parentPath, key, item);
  }
  if (!isSeq(seq)) throw new YamlEditError("not-a-sequence", `${path.join(".")} is not a sequence`, lineOf(parsed, seq));
  return seq.flow ? appendFlow(text, seq, item) : appendBlock(text, seq, item);
}

function appendBlock(text: string, seq: YAMLSeq.Parsed, item: FlatItem): string {
  const nl = lineBreak(text);
  const last = seq.items[seq.items.length - 1] as ParsedNode | undefined;
  const token = seq.srcToken;
  const dash = token && token.type === "block-seq" ? token.items[0]?.start.find((t) => t.type === "seq-item-ind") : undefined;
  if (!last?.range || !dash || !("offset" in dash)) throw new YamlEditError("unsupported", "cannot locate the sequence's items");
  const dashCol = dash.offset - lineStart(text, dash.offset);
  const first = seq.items[0] as ParsedNode | undefined;
  const gap = first?.range ? Math.max(1, first.range[0] - dash.offset - 1) : 1;
  const at = lineEnd(text, Math.max(last.range[0], last.range[1] - 1));
  const lines = renderBlockItem(item, last, dashCol, gap, nl);
  return text.slice(0, at) + nl + lines + text.slice(at);
}

function renderBlockItem(item: FlatItem, sibling: ParsedNode | undefined, dashCol: number, gap: number, nl: string): string {
  const pad = " ".repeat(dashCol);
  const contentPad = " ".repeat(dashCol + 1 + gap);
  const [head, ...rest] = blockItemLines(item, sibling);
  return [`${pad}-${" ".repeat(gap)}${head ?? ""}`, ...rest.map((l) => contentPad + l)].join(nl);
}

function appendFlow(text: string, seq: YAMLSeq.Parsed, item: FlatItem): string {
  if (!seq.range) throw new YamlEditError("unsupported", "cannot locate the flow sequence");
  const close = text.lastIndexOf("]", seq.range[1]);
  if (close < seq.range[0]) throw new YamlEditError("unsupported", "cannot find the end of the flow sequence");
  const last = seq.items[seq.items.length - 1] as ParsedNode | undefined;
  const rendered = flowItem(item, last);
  if (!last?.range) return text.slice(0, close) + rendered + text.slice(close);
  return text.slice(0, last.range[1]) + `, ${rendered}` + text.slice(last.range[1]);
}

function addKeyWithSequence(text: string, parsed: ParsedText, doc: number, parentPath: EditPath, key: string, item: FlatItem): string {
  const parent = parentPath.length === 0 ? documentAt(parsed, doc).contents : nodeAt(parsed, doc, parentPath);
  if (!isMap(parent) || parent.flow || !parent.range) {
    throw new YamlEditError("not-a-mapping", `cannot add ${key}: its parent is not a block mapping`, parent ? lineOf(parsed, parent) : undefined);
  }
  const nl = lineBreak(text);
  const firstKey = parent.items[0]?.key as ParsedNode | undefined;
  if (!firstKey?.range) throw new YamlEditError("unsupported", `cannot add ${key} to an empty mapping`);
  const keyCol = firstKey.range[0] - lineStart(text, firstKey.range[0]);
  const existing = parent.items.findLast((p) => isScalar(p.key) && String(p.key.value) === key);
  const style = sequenceStyle(text, parent, keyCol);
  const lines = renderBlockItem(item, undefined, style.dashCol, 1, nl);
  if (existing && isScalar(existing.key) && existing.key.range) {
    // `key:` with no value (or `~`): drop the null, keep a trailing comment, put the sequence under the key.
    const colon = text.indexOf(":", existing.key.range[1]);
    const value = isScalar(existing.value) ? existing.value.range : undefined;
    const cut = value && value[1] > colon + 1 ? value[1] : colon + 1;
    const at = lineEnd(text, cut);
    return text.slice(0, colon + 1) + text.slice(cut, at) + nl + lines + text.slice(at);
  }
  const at = lineEnd(text, Math.max(parent.range[0], parent.range[1] - 1));
  const keyLine = `${" ".repeat(keyCol)}${key}:`;
  if (at === text.length && !text.endsWith("\n")) return text + nl + keyLine + nl + lines + nl;
  return text.slice(0, at) + nl + keyLine + nl + lines + text.slice(at);
}

/** Indentation of new sequences: follow another block sequence in the same mapping, else kustomize's indentless style. */
function sequenceStyle(text: string, parent: YAMLMap.Parsed, keyCol: number): { dashCol: number } {
  for (const p of parent.items) {
    const v = p.value as ParsedNode | null;
    if (isSeq(v) && !v.flow && v.srcToken?.type === "block-seq") {
      const dash = v.srcToken.items[0]?.start.find((t) => t.type === "seq-item-ind");
      if (dash && "offset" in dash) return { dashCol: dash.offset - lineStart(text, dash.offset) };
    }
  }
  return { dashCol: keyCol };
}
