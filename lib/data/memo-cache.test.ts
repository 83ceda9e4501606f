import { describe, expect, it } from "vitest";
import { MemoCache } from "./memo-cache";

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe("MemoCache", () => {
  it("loads a key once for every request that asks while it loads and after", async () => {
    const cache = new MemoCache<string>(4);
    const pending = deferred<string>();
    let loads = 0;
    const load = () => {
      loads++;
      return pending.promise;
    };
    const first = cache.get("page-1", load);
    const second = cache.get("page-1", load);
    pending.resolve("rows");
    expect(await Promise.all([first, second, cache.get("page-1", load)])).toEqual(["rows", "rows", "rows"]);
    expect(loads).toBe(1);
  });

  it("forgets a failed load, so the next request loads again", async () => {
    const cache = new MemoCache<number>(4);
    await expect(cache.get("k", () => Promise.reject(new Error("database gone")))).rejects.toThrow("database gone");
    expect(cache.size).toBe(0);
    expect(await cache.get("k", async () => 7)).toBe(7);
    // A load that throws before returning a promise is a failed load too.
    await expect(
      cache.get("sync-throw", () => {
        throw new Error("bad query");
      }),
    ).rejects.toThrow("bad query");
    expect(await cache.get("sync-throw", async () => 8)).toBe(8);
  });

  it("drops the least recently used key past its size", async () => {
    const cache = new MemoCache<string>(2);
    const loaded: string[] = [];
    const load = (key: string) => async () => {
      loaded.push(key);
      return key;
    };
    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    await cache.get("a", load("a")); // a is now the most recently used
    await cache.get("c", load("c")); // b goes
    expect(cache.size).toBe(2);
    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    expect(loaded).toEqual(["a", "b", "c", "b"]);
  });

  it("refuses a size below one", () => {
    expect(() => new MemoCache(0)).toThrow("at least one entry");
  });
});
