import { isScalar, Scalar } from "yaml";
import { YamlEditError } from "./errors";
import { lineOf, nodeAt, parseForEdit, type EditPath } from "./locate";

/**
 * Replace the YAML held as a string at `path` (an Application's `helm.values: |`, a ConfigMap's
 * `values.yaml: |`) by `after`, an edit of it made with the other functions of this module: the one changed
 * span is spliced into the literal block at its own line and column, so the block's indentation, its
 * header, the lines around it and their comments stay byte for byte. `before` is the string as read; an edit
 * spanning lines, or a string not written as a literal block, is refused.
 */
export function setEmbeddedYaml(text: string, doc: number, path: EditPath, before: string, after: string): string {
  if (before === after) return text;
  const parsed = parseForEdit(text);
  const node = nodeAt(parsed, doc, path);
  const line = lineOf(parsed, node);
  if (!isScalar(node) || !node.range || node.value !== before) throw new YamlEditError("not-a-scalar", `${path.join(".")} does not hold the YAML string that was read`, line);
  if (node.type !== Scalar.BLOCK_LITERAL) throw new YamlEditError("unsupported", `${path.join(".")} holds YAML in a ${node.type === Scalar.BLOCK_FOLDED ? "folded block" : "quoted or plain string"}; edit it by hand`, line);

  let a = 0;
  while (a < before.length && a < after.length && before[a] === after[a]) a++;
  let b = 0;
  while (b < before.length - a && b < after.length - a && before[before.length - 1 - b] === after[after.length - 1 - b]) b++;
  const removed = before.slice(a, before.length - b);
  const added = after.slice(a, after.length - b);
  if (removed.includes("\n") || added.includes("\n")) throw new YamlEditError("unsupported", `${path.join(".")}: the edit spans lines of the embedded YAML; edit it by hand`, line);

  // Inner line and column of the change, then the same line of the block body, past its indentation.
  const innerLine = before.slice(0, a).split("\n").length - 1;
  const column = a - (before.lastIndexOf("\n", a - 1) + 1);
  const bodyStart = text.indexOf("\n", node.range[0]) + 1;
  const body = text.slice(bodyStart, node.range[1]).split("\n");
  const indent = /^ */.exec(body.find((l) => l.trim() !== "") ?? "")?.[0].length ?? 0;
  let offset = bodyStart;
  for (let i = 0; i < innerLine; i++) offset += (body[i]?.length ?? 0) + 1;
  offset += indent + column;
  if (text.slice(offset, offset + removed.length) !== removed) throw new YamlEditError("unsupported", `${path.join(".")}: the embedded YAML is not indented evenly; edit it by hand`, line);
  return text.slice(0, offset) + added + text.slice(offset + removed.length);
}
