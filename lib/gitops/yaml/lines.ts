import { isMap, isSeq, type Document, type LineCounter, type Node } from "yaml";

/**
 * 1-based line of the node at `path` (or of its nearest existing ancestor), so an error can point
 * at the exact entry even when the value itself is missing.
 */
export function lineOfPath(doc: Document.Parsed, lineCounter: LineCounter, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let best: Node | null = doc.contents;
  for (const step of path) {
    if (isMap(node)) {
      // The last of repeated keys: the occurrence that is read (see DuplicateKeys in parse.ts).
      const pair = node.items.findLast((p) => {
        const k: unknown = p.key;
        const key = k && typeof k === "object" && "value" in k ? (k as { value: unknown }).value : k;
        return String(key) === String(step);
      });
      if (!pair) break;
      const key = pair.key as Node | null;
      node = pair.value;
      best = (pair.value as Node | null) ?? key ?? best;
      if (!pair.value && key) best = key;
    } else if (isSeq(node) && typeof step === "number") {
      const item = node.items[step];
      if (!item) break;
      node = item;
      best = item as Node;
    } else {
      break;
    }
  }
  const range = best?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}
