import { isMap, isScalar, Scalar, type ParsedNode } from "yaml";
import { renderScalar, type QuoteStyle } from "./quote";

/** A sequence item the editors can write: a scalar (`resources:` entry) or a flat mapping (`images:` entry). */
export type FlatItem = string | Readonly<Record<string, string>>;

export function styleOf(node: unknown): QuoteStyle {
  if (!isScalar(node)) return "plain";
  if (node.type === Scalar.QUOTE_SINGLE) return "single";
  if (node.type === Scalar.QUOTE_DOUBLE) return "double";
  return "plain";
}

/** Quote style a new value should take so it looks like its neighbours (the same key in a sibling item). */
export function styleLike(sibling: ParsedNode | null | undefined, key?: string): QuoteStyle {
  if (!sibling) return "plain";
  if (key === undefined) return styleOf(sibling);
  if (!isMap(sibling)) return "plain";
  const pair = sibling.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return styleOf(pair?.value);
}

/** Block lines of an item, the first line without indentation (it follows `- ` or a key). */
export function blockItemLines(item: FlatItem, sibling: ParsedNode | null | undefined): string[] {
  if (typeof item === "string") return [renderScalar(item, styleLike(sibling), false)];
  return Object.entries(item).map(([k, v]) => `${renderScalar(k, "plain", false)}: ${renderScalar(v, styleLike(sibling, k), false)}`);
}

export function flowItem(item: FlatItem, sibling: ParsedNode | null | undefined): string {
  if (typeof item === "string") return renderScalar(item, styleLike(sibling), true);
  const pairs = Object.entries(item).map(([k, v]) => `${renderScalar(k, "plain", true)}: ${renderScalar(v, styleLike(sibling, k), true)}`);
  return `{${pairs.join(", ")}}`;
}
