import { describe, expect, it } from "vitest";
import { limitConcurrency, PromiseCache } from "./promise-cache";

describe("PromiseCache", () => {
  it("computes once for concurrent and later asks of one key", async () => {
    const cache = new PromiseCache<number>(10);
    let calls = 0;
    const compute = async () => ++calls;
    const [a, b] = await Promise.all([cache.get("k", compute), cache.get("k", compute)]);
    expect([a, b, await cache.get("k", compute), calls]).toEqual([1, 1, 1, 1]);
  });

  it("forgets a result it should not keep, and a failure", async () => {
    const cache = new PromiseCache<string>(10, (v) => v !== "timeout");
    await cache.get("t", async () => "timeout");
    expect(await cache.get("t", async () => "built")).toBe("built");
    await expect(cache.get("f", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await cache.get("f", async () => "again")).toBe("again");
  });

  it("evicts the least recently used key past its capacity", async () => {
    const cache = new PromiseCache<string>(2);
    await cache.get("a", async () => "a1");
    await cache.get("b", async () => "b1");
    await cache.get("a", async () => "a2"); // a is now the most recent
    await cache.get("c", async () => "c1"); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.get("a", async () => "a3")).toBe("a1");
    expect(await cache.get("b", async () => "b2")).toBe("b2");
  });
});

describe("PromiseCache with a byte budget", () => {
  const sized = () => new PromiseCache<string>(100, () => true, { maxBytes: 10, sizeOf: (v) => v.length });

  it("evicts the least recently used results once their bytes pass the budget, and counts what it keeps", async () => {
    const cache = sized();
    await cache.get("a", async () => "aaaa");
    await cache.get("b", async () => "bbbb");
    expect(cache.bytes).toBe(8);
    await cache.get("a", async () => "xxxx"); // a is now the most recent
    await cache.get("c", async () => "cccc"); // 12 bytes: b goes
    expect([cache.size, cache.bytes]).toEqual([2, 8]);
    expect(await cache.get("a", async () => "a2")).toBe("aaaa");
    expect(await cache.get("b", async () => "b2")).toBe("b2");
    // c, a and b2: 4 + 4 + 2, exactly the budget.
    expect([cache.size, cache.bytes]).toEqual([3, 10]);
    await cache.get("d", async () => "d"); // c, the least recently used, goes
    expect([cache.size, cache.bytes]).toEqual([3, 7]);
    expect(await cache.get("c", async () => "c2")).toBe("c2");
  });

  it("keeps nothing of a result larger than the whole budget, and evicts nothing for it", async () => {
    const cache = sized();
    await cache.get("small", async () => "ss");
    let calls = 0;
    const huge = async () => `${++calls}`.padEnd(11, "h");
    await cache.get("huge", huge);
    await cache.get("huge", huge);
    expect(calls).toBe(2);
    expect([cache.size, cache.bytes]).toEqual([1, 2]);
    expect(await cache.get("small", async () => "other")).toBe("ss");
  });

  it("gives back the bytes of a result it forgets", async () => {
    const cache = new PromiseCache<string>(100, (v) => v !== "timeout", { maxBytes: 100, sizeOf: (v) => v.length });
    await cache.get("t", async () => "timeout");
    await expect(cache.get("f", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });
});

describe("limitConcurrency", () => {
  it("runs at most `limit` tasks at once, all of them in the end", async () => {
    const run = limitConcurrency(1);
    let active = 0;
    let most = 0;
    const task = (v: number) => async () => {
      active++;
      most = Math.max(most, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return v;
    };
    expect(await Promise.all([1, 2, 3].map((v) => run(task(v))))).toEqual([1, 2, 3]);
    expect(most).toBe(1);
  });
});
