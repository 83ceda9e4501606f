import { YamlEditError } from "../edit";
import type { RefusalOverride } from "./types";

/** Thrown inside the planner when the whole promotion must be refused; planPromotion turns it into a plan. */
export class PromotionRefused extends Error {
  override readonly name = "PromotionRefused";

  /** The request option that would lift this refusal, when the user may choose to. */
  constructor(
    message: string,
    readonly override?: RefusalOverride,
  ) {
    super(message);
  }
}

/** Re-throw an edit failure on `file` as a refusal that names the file and line. */
export function refuseEdit(file: string, e: unknown): never {
  if (e instanceof YamlEditError) {
    if (e.code === "parse-error") throw new PromotionRefused(`${file}${e.line ? `:${e.line}` : ""} does not parse: ${e.message.replace(/^line \d+: /, "")}`);
    throw new PromotionRefused(`${file}${e.line ? `:${e.line}` : ""}: ${e.message}`);
  }
  throw e;
}
