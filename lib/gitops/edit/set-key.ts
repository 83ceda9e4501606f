import { isMap, isScalar, stringify, type ParsedNode, type YAMLMap } from "yaml";
import { YamlEditError } from "./errors";
import { documentAt, lineBreak, lineEnd, lineOf, lineStart, nodeAt, parseForEdit, type EditPath, type ParsedText } from "./locate";
import { renderScalar } from "./quote";
import { styleLike } from "./render";
import { setScalar } from "./set-scalar";

function mapAt(text: string, doc: number, mapPath: EditPath): { map: YAMLMap.Parsed; parsed: ParsedText } {
  const parsed = parseForEdit(text);
  const node = mapPath.length === 0 ? documentAt(parsed, doc).contents : nodeAt(parsed, doc, mapPath);
  if (!isMap(node)) throw new YamlEditError("not-a-mapping", `${mapPath.join(".") || "(document root)"} is not a mapping`, node ? lineOf(parsed, node) : undefined);
  return { map: node, parsed };
}

/** The occurrence that is read when a key is repeated: the last (see parseForEdit). */
function findPair(map: YAMLMap.Parsed, key: string) {
  return map.items.findLast((p) => isScalar(p.key) && String(p.key.value) === key);
}

/** Block lines for a value under `key:` at `keyCol`; scalars stay on the key's line. */
function renderPair(key: string, value: unknown, keyCol: number, nl: string, sibling: ParsedNode | null): string {
  const pad = " ".repeat(keyCol);
  if (value === null || typeof value !== "object") {
    const scalar = typeof value === "string" ? renderScalar(value, styleLike(sibling), false) : String(value);
    return `${pad}${key}: ${scalar}`;
  }
  const body = stringify(value, { indent: 2, lineWidth: 0 }).replace(/\n$/, "");
  const indent = " ".repeat(keyCol + 2);
  // Block sequences under a key stay indentless like kustomize writes them; mappings are nested two spaces.
  const lines = body.split("\n").map((l) => (Array.isArray(value) ? pad + l : indent + l));
  return `${pad}${key}:${nl}${lines.join(nl)}`;
}

/**
 * Set `key` of the mapping at `mapPath` to `value`: an existing scalar is replaced in place (setScalar), a
 * missing key is added as the mapping's last entry at its indentation. Replacing an existing collection is
 * refused (unsupported): callers merge collections item by item.
 */
export function setKey(text: string, doc: number, mapPath: EditPath, key: string, value: unknown): string {
  const { map } = mapAt(text, doc, mapPath);
  const existing = findPair(map, key);
  if (existing) {
    if (typeof value === "string" && isScalar(existing.value)) return setScalar(text, doc, [...mapPath, key], value);
    throw new YamlEditError("unsupported", `${[...mapPath, key].join(".")} exists and is not a scalar to replace`);
  }
  const nl = lineBreak(text);
  const sibling = (map.items[map.items.length - 1]?.value as ParsedNode | null | undefined) ?? null;
  if (map.flow) {
    if (!map.range || (value !== null && typeof value === "object")) throw new YamlEditError("unsupported", "cannot add a collection to a flow mapping");
    const close = text.lastIndexOf("}", map.range[1]);
    const rendered = `${key}: ${typeof value === "string" ? renderScalar(value, "plain", true) : String(value)}`;
    return text.slice(0, close) + (map.items.length > 0 ? `, ${rendered}` : rendered) + text.slice(close);
  }
  const firstKey = map.items[0]?.key as ParsedNode | undefined;
  if (!firstKey?.range || !map.range) throw new YamlEditError("unsupported", `cannot add ${key} to an empty mapping`);
  const keyCol = firstKey.range[0] - lineStart(text, firstKey.range[0]);
  const at = lineEnd(text, Math.max(map.range[0], map.range[1] - 1));
  const line = renderPair(key, value, keyCol, nl, isScalar(sibling) ? sibling : null);
  if (at === text.length && !text.endsWith("\n")) return text + nl + line;
  return text.slice(0, at) + nl + line + text.slice(at);
}

/** Remove `key` (a one-line scalar entry of a block mapping) with its line. */
export function deleteKey(text: string, doc: number, mapPath: EditPath, key: string): string {
  const { map, parsed } = mapAt(text, doc, mapPath);
  const pair = findPair(map, key);
  if (!pair) return text;
  // Removing the last of repeated keys would bring the one before it back into effect.
  if (map.items.filter((p) => isScalar(p.key) && String(p.key.value) === key).length > 1) {
    throw new YamlEditError("unsupported", `cannot remove ${key}: it is written more than once in its mapping`, lineOf(parsed, pair.key as ParsedNode));
  }
  const k = pair.key as ParsedNode | null;
  const v = pair.value as ParsedNode | null;
  if (map.flow || !k?.range || (v && !isScalar(v))) throw new YamlEditError("unsupported", `cannot remove ${key} here`);
  const start = lineStart(text, k.range[0]);
  if (text.slice(start, k.range[0]).trim() !== "") throw new YamlEditError("unsupported", `${key} shares its line with other content`);
  const end = lineEnd(text, v?.range ? v.range[1] : k.range[1]);
  const next = text.startsWith("\r\n", end) ? end + 2 : text.startsWith("\n", end) ? end + 1 : end;
  return text.slice(0, start) + text.slice(next);
}
