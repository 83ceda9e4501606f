/** A problem in a template (repository-owned or built-in), located so its author can fix it. */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = "TemplateError";
  }
}
