/** Why an in-place YAML edit could not be made. Callers turn it into a refusal with file and line. */
export type YamlEditErrorCode = "parse-error" | "no-document" | "path-not-found" | "not-a-scalar" | "not-a-sequence" | "not-a-mapping" | "unsupported";

export class YamlEditError extends Error {
  override readonly name = "YamlEditError";

  constructor(
    readonly code: YamlEditErrorCode,
    message: string,
    /** 1-based line of the problem, when known. */
    readonly line?: number,
  ) {
    super(message);
  }
}
