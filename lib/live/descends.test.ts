import { describe, expect, it } from "vitest";
import type { ScmRepository } from "@/lib/scm/types";
import { descendsFrom } from "./descends";

// Ancestry asked of the repository: once per pair while the answer is yes, again after a while when no
// (the mirror may not have the cluster's revision yet), a few at a time, never for abbreviated shas.

const sha = (c: string) => c.repeat(40);

function repo(name: string, history: Record<string, string[]>) {
  const asked: string[] = [];
  let inFlight = 0;
  let most = 0;
  const r = {
    name,
    async isAncestor(a: string, b: string) {
      asked.push(`${a[0]}<${b[0]}`);
      most = Math.max(most, ++inFlight);
      await new Promise((res) => setTimeout(res, 5));
      inFlight--;
      return history[b]?.includes(a) ?? false;
    },
  } as unknown as ScmRepository;
  return { r, asked, most: () => most };
}

describe("descendsFrom", () => {
  it("asks once per pair that descends, and again after a while for one that does not", async () => {
    const { r, asked } = repo("a", { [sha("c")]: [sha("b"), sha("a")] });
    let now = 0;
    expect(await descendsFrom(r, sha("b"), sha("c"), () => now)).toBe(true);
    expect(await descendsFrom(r, sha("b"), sha("c"), () => now)).toBe(true);
    expect(await descendsFrom(r, sha("d"), sha("c"), () => now)).toBe(false);
    expect(await descendsFrom(r, sha("d"), sha("c"), () => now)).toBe(false);
    now = 60_000;
    expect(await descendsFrom(r, sha("d"), sha("c"), () => now)).toBe(false);
    expect(asked).toEqual(["b<c", "d<c", "d<c"]);
  });

  it("needs no question for the merge commit itself, and cannot tell from an abbreviated sha", async () => {
    const { r, asked } = repo("b", {});
    expect(await descendsFrom(r, sha("e"), sha("e"))).toBe(true);
    expect(await descendsFrom(r, sha("e"), "eeeeeee")).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it("asks a few at a time", async () => {
    const { r, most } = repo("c", {});
    await Promise.all("0123456789".split("").map((c) => descendsFrom(r, sha("f"), sha(c))));
    expect(most()).toBeLessThanOrEqual(4);
  });
});
