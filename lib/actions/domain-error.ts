/**
 * An expected failure whose message is written for the person who asked (a stale base commit, an
 * app that does not exist, a refused permission). The action chain reports its message as is;
 * any other error is treated as a bug: logged server-side and reported only by an id.
 *
 * Pure layers (lib/gitops) must not import this file, so the chain also accepts any Error carrying
 * `expose: true` (the convention of the http-errors package) as a domain error.
 */
export class DomainError extends Error {
  readonly expose = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isDomainError(error: unknown): error is Error & { expose: true } {
  return error instanceof Error && (error as { expose?: unknown }).expose === true;
}
