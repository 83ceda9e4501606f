/**
 * A bounded in-process map from key to a value loaded once: requests asking for the same key while it
 * loads share the one load (a hundred people opening the matrix right after a sync cost one read), a
 * failed load is forgotten so the next request tries again, and past `maxEntries` the least recently
 * used entry goes. Keys must name everything the value depends on; nothing here expires by time.
 */
export class MemoCache<V> {
  private readonly entries = new Map<string, Promise<V>>();

  constructor(private readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new Error(`a MemoCache needs room for at least one entry, not ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const held = this.entries.get(key);
    if (held) {
      // Map order is insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, held);
      return held;
    }
    const loading = Promise.resolve().then(load);
    this.entries.set(key, loading);
    loading.catch(() => {
      if (this.entries.get(key) === loading) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return loading;
  }

  clear(): void {
    this.entries.clear();
  }
}
