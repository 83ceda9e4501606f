import type { KubernetesObject, Watch } from "@kubernetes/client-node";

// One kind's list and watch, as client-node's ListWatch does them, with what ListWatch cannot do:
// start watching from a stored resourceVersion (ListWatch keeps its resourceVersion private and always
// lists on start()), ask for BOOKMARKs and move the resourceVersion with them, and tell a 410 Gone
// (list again) apart from a watch the API server ended (watch on) and a failure. client-node's Watch
// still does the HTTP and the newline-delimited JSON.

export type WatchEnd = "closed" | "expired";

export interface KindList {
  items: KubernetesObject[];
  metadata?: { resourceVersion?: string };
}

export interface KindWatchEvents {
  /** After the cache took the event; `before` is what it held for the object. */
  event(type: "ADDED" | "MODIFIED" | "DELETED", object: KubernetesObject, before: KubernetesObject | undefined): void;
  bookmark(): void;
}

/** A watch that failed with an HTTP status, or an ERROR event other than 410. */
export class WatchError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
  ) {
    super(message);
  }
}

export const objectKey = (o: KubernetesObject) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

export class KindWatch {
  /** By `<namespace>/<name>`. */
  readonly objects = new Map<string, KubernetesObject>();
  resourceVersion: string | null = null;
  /** The cache holds every object of the kind (listed, or restored whole), not only those seen since a resumed version. */
  complete = false;
  private endCurrent?: () => void;

  constructor(
    private readonly path: string,
    private readonly watcher: Watch,
    private readonly listFn: () => Promise<KindList>,
    private readonly events: KindWatchEvents,
  ) {}

  /** Lists the kind: the cache becomes the listed set, and the watch goes on from the list's version. */
  async list(): Promise<void> {
    const list = await this.listFn();
    this.objects.clear();
    for (const o of list.items ?? []) this.objects.set(objectKey(o), o);
    this.resourceVersion = list.metadata?.resourceVersion || null;
    this.complete = true;
  }

  /** Goes on from a stored version; with `objects`, the cache is that whole set. */
  resume(resourceVersion: string, objects?: KubernetesObject[]): void {
    this.objects.clear();
    for (const o of objects ?? []) this.objects.set(objectKey(o), o);
    this.resourceVersion = resourceVersion;
    this.complete = objects !== undefined;
  }

  get(namespace: string, name: string): KubernetesObject | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  /**
   * Watches from the resourceVersion until the API server ends the watch ("closed"), says the version is
   * too old ("expired"), `signal` aborts or end() is called ("closed"); rejects with what failed.
   * `opened` is called once the server accepted the watch.
   */
  watchOnce(signal: AbortSignal, opened: () => void): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve, reject) => {
      let ended = false;
      let expired = false;
      let failure: WatchError | undefined;
      let controller: AbortController | undefined;
      const stop = () => controller?.abort();
      const finish = (error: unknown) => {
        if (ended) return;
        ended = true;
        signal.removeEventListener("abort", stop);
        this.endCurrent = undefined;
        const status = (error as { statusCode?: number } | null)?.statusCode;
        if (expired || status === 410) return resolve("expired");
        if (stopped || signal.aborted) return resolve("closed");
        if (failure) return reject(failure);
        if (error) return reject(status ? new WatchError(`HTTP ${status}`, status) : error);
        resolve("closed");
      };
      let stopped = false;
      this.endCurrent = () => {
        stopped = true;
        stop();
      };
      signal.addEventListener("abort", stop, { once: true });
      const query: Record<string, string | boolean> = { allowWatchBookmarks: true };
      if (this.resourceVersion) query.resourceVersion = this.resourceVersion;
      this.watcher
        .watch(
          this.path,
          query,
          (type, object: KubernetesObject & { code?: number; message?: string }) => {
            if (type === "ERROR") {
              // The API server's answer to a version it no longer has: 200, then one ERROR event with 410.
              if (object?.code === 410) expired = true;
              else failure = new WatchError(`ERROR event: ${object?.message ?? "no message"}`, object?.code);
              return;
            }
            if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED" && type !== "BOOKMARK") return;
            this.resourceVersion = object?.metadata?.resourceVersion || this.resourceVersion;
            if (type === "BOOKMARK") return this.events.bookmark();
            const key = objectKey(object);
            const before = this.objects.get(key);
            if (type === "DELETED") this.objects.delete(key);
            else this.objects.set(key, object);
            this.events.event(type, object, before);
          },
          finish,
        )
        .then(
          (c) => {
            controller = c;
            if (ended) return;
            if (signal.aborted || stopped) return c.abort();
            opened();
          },
          (error: unknown) => finish(error),
        );
    });
  }

  /** Ends the open watch ("closed"); the caller's loop decides what comes next. */
  end(): void {
    this.endCurrent?.();
  }
}
