/**
 * A least-recently-used cache of promises: concurrent asks for the same key share one computation,
 * and a result `keep` rejects (a timeout on a busy machine, a thrown error) is forgotten so the next ask tries again.
 * Bounded by entries and, with `sizeOf`, by the bytes of the settled results (a result larger than the
 * whole budget is not kept at all); a computation in flight counts as nothing until it settles.
 */
export class PromiseCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  private readonly sizes = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly capacity: number,
    private readonly keep: (value: T) => boolean = () => true,
    private readonly budget: { maxBytes: number; sizeOf: (value: T) => number } | null = null,
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
        if (this.entries.get(key) !== promise) return;
        if (!this.keep(value)) return this.remove(key);
        if (!this.budget) return;
        const size = this.budget.sizeOf(value);
        this.sizes.set(key, size);
        this.total += size;
        this.evict(key);
      },
      () => {
        if (this.entries.get(key) === promise) this.remove(key);
      },
    );
    this.evict(key);
    return promise;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes of the settled results kept (0 without a byte budget). */
  get bytes(): number {
    return this.total;
  }

  /** Oldest first past either bound; `newest` goes alone when it alone is over the byte budget. */
  private evict(newest: string): void {
    if (this.budget && (this.sizes.get(newest) ?? 0) > this.budget.maxBytes) this.remove(newest);
    const overBytes = () => this.budget !== null && this.total > this.budget.maxBytes;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.capacity && !overBytes()) return;
      if (key !== newest) this.remove(key);
    }
  }

  private remove(key: string): void {
    this.entries.delete(key);
    this.total -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
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
