import type { ParsedYaml } from "../yaml";

/**
 * Parsed YAML keyed by file content (or by a caller-supplied key such as a git blob SHA), so a re-index
 * after a one-file commit only parses that file. Values are shared between reads: never mutate them.
 */
export interface ParseCache {
  get(key: string, byContent: boolean): ParsedYaml | undefined;
  set(key: string, byContent: boolean, value: ParsedYaml): void;
  readonly size: number;
  clear(): void;
}

class MapParseCache implements ParseCache {
  // Two maps so a blob SHA can never collide with a file whose content happens to equal it.
  private readonly byKey = new Map<string, ParsedYaml>();
  private readonly byContent = new Map<string, ParsedYaml>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, byContent: boolean): ParsedYaml | undefined {
    return (byContent ? this.byContent : this.byKey).get(key);
  }

  set(key: string, byContent: boolean, value: ParsedYaml): void {
    const map = byContent ? this.byContent : this.byKey;
    if (map.size >= this.maxEntries) {
      // Drop the oldest insertion; a full rebuild of a huge repo simply re-parses.
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, value);
  }

  get size(): number {
    return this.byKey.size + this.byContent.size;
  }

  clear(): void {
    this.byKey.clear();
    this.byContent.clear();
  }
}

export function createParseCache(options: { maxEntries?: number } = {}): ParseCache {
  return new MapParseCache(options.maxEntries ?? 200_000);
}
