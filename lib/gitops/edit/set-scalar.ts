import { isMap, isScalar, isSeq, Scalar } from "yaml";
import { YamlEditError } from "./errors";
import { lineOf, nodeAt, parseForEdit, type EditPath } from "./locate";
import { renderScalar, type QuoteStyle } from "./quote";

function styleOf(type: Scalar["type"]): QuoteStyle {
  if (type === Scalar.QUOTE_SINGLE) return "single";
  if (type === Scalar.QUOTE_DOUBLE) return "double";
  return "plain";
}

/**
 * Set the scalar at `path` of document `doc` to `value` by splicing the original text: only the value's own
 * characters change, so comments (image-automation setters included), quoting, indentation, CRLF and a BOM
 * survive and a diff shows just that line. Throws YamlEditError when the text does not parse, the path does
 * not exist or does not end at a scalar.
 */
export function setScalar(text: string, doc: number, path: EditPath, value: string): string {
  const parsed = parseForEdit(text);
  const node = nodeAt(parsed, doc, path);
  const line = lineOf(parsed, node);
  if (!isScalar(node) || !node.range) throw new YamlEditError("not-a-scalar", `${path.join(".")} is not a scalar`, line);
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    throw new YamlEditError("unsupported", `${path.join(".")} is a block scalar; edit it by hand`, line);
  }
  const [start, end] = node.range;
  const inFlow = insideFlow(parsed, doc, path);
  // An anchor or tag before the value stays: the range covers the value only.
  const rendered = renderScalar(value, styleOf(node.type), inFlow, node.value);
  return text.slice(0, start) + rendered + text.slice(end);
}

/** A flow collection (`[a, b]`, `{k: v}`) around the scalar changes which plain values are safe. */
function insideFlow(parsed: ReturnType<typeof parseForEdit>, doc: number, path: EditPath): boolean {
  for (let i = 0; i < path.length; i++) {
    const parent = nodeAt(parsed, doc, path.slice(0, i));
    if ((isMap(parent) || isSeq(parent)) && parent.flow) return true;
  }
  return false;
}
