import type { ReadContext } from "../context";
import type { ValuesLayer } from "../values-images";

/** A chart folder's own values file: the lowest values layer, the one every install starts from. */
export function chartDefaultsLayer(ctx: ReadContext, chartDir: string): ValuesLayer | undefined {
  const file = ctx.index.findFileIn(chartDir, ["values.yaml", "values.yml"]);
  const doc = file ? ctx.load(file).docs[0] : undefined;
  return file && doc ? { file, doc: doc.index, values: doc.value } : undefined;
}
