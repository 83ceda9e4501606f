/**
 * A small least-recently-used cache of promises: concurrent asks for the same key share one computation,
 * and a result `keep` rejects (a timeout on a busy machine, a thrown error) is forgotten so the next ask tries again.
 */
export class PromiseCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(
    private readonly capacity: number,
    private readonly keep: (value: T) => boolean = () => true,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-inserted: Map order is the recency order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const promise = compute();
    this.entries.set(key, promise);
    promise.then(
      (value) => {
        if (!this.keep(value) && this.entries.get(key) === promise) this.entries.delete(key);
      },
      () => {
        if (this.entries.get(key) === promise) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return promise;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** At most `limit` tasks at once; the rest wait their turn (renders are CPU-bound child processes). */
export function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
