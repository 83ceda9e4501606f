import { describe, expect, it } from "vitest";
import { commentStart, fixPinComments } from "./pin-comments";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

describe("pin comments", () => {
  it("finds a comment outside quotes only", () => {
    expect(commentStart(`  image: 'x:1#2' # pinned`)).toBe(17);
    expect(commentStart(`  note: "a # b"`)).toBe(-1);
    expect(commentStart(`  url: http://x/#frag`)).toBe(-1);
    expect(commentStart(`# whole line`)).toBe(0);
  });

  it("removes only comments about the digest when the pin goes, never a setter", () => {
    const text = [
      "image:",
      "  # pinned by digest: see SEC-12",
      "  # bumped by CI",
      `  tag: 1.2@${A} # {"$imagepolicy": "flux-system:shop:tag"}`,
      "",
    ].join("\n");
    const fixed = fixPinComments(text, 0, ["image", "tag"], A, null);
    expect(fixed.text).toBe(["image:", "  # bumped by CI", `  tag: 1.2@${A} # {"$imagepolicy": "flux-system:shop:tag"}`, ""].join("\n"));
    expect(fixed.changed).toEqual([{ comment: "# pinned by digest: see SEC-12", action: "removed" }]);
  });

  it("keeps a generic pin comment true when the digest moves, rewriting a quoted digest (CRLF kept)", () => {
    const text = `tag: 1.2@${A} # pinned by digest\r\ndigest: x # was ${"a".repeat(12)}\r\n`;
    expect(fixPinComments(text, 0, ["tag"], A, B)).toEqual({ text, changed: [] });
    const other = fixPinComments(text, 0, ["digest"], A, B);
    expect(other.text).toBe(`tag: 1.2@${A} # pinned by digest\r\ndigest: x # was ${"b".repeat(12)}\r\n`);
  });
});
