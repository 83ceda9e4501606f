/**
 * An expected failure at startup (port taken, database unreachable, data directory not writable, a
 * migration refused). The launcher prints it as one line for a person, never as a stack trace, so
 * `message` says what went wrong and `hint` what to do about it.
 */
export class FerryStartupError extends Error {
  override readonly name = "FerryStartupError";
  readonly hint: string | undefined;

  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }

  /** The single line the launcher prints (without the `ferry: ` prefix). */
  toLine(): string {
    return this.hint ? `${this.message}: ${this.hint}` : this.message;
  }
}

export function isFerryStartupError(error: unknown): error is FerryStartupError {
  return error instanceof FerryStartupError;
}
