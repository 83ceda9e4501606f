import { describe, expect, it } from "vitest";
import { SseParser } from "./sse";

describe("SseParser", () => {
  it("returns each message's data once its blank line arrives, across chunk boundaries", () => {
    const p = new SseParser();
    expect(p.push('data: {"a"')).toEqual([]);
    expect(p.push(':1}\n')).toEqual([]);
    expect(p.push("\ndata: 2\n\nda")).toEqual(['{"a":1}', "2"]);
    expect(p.push("ta: 3\r\n\r\n")).toEqual(["3"]);
  });

  it("joins multi-line data, skips comments and other fields", () => {
    const p = new SseParser();
    expect(p.push(": keep-alive\n\nevent: x\nid: 7\ndata: one\ndata:two\n\n")).toEqual(["one\ntwo"]);
  });

  it("waits when a chunk ends between \\r and \\n", () => {
    const p = new SseParser();
    expect(p.push("data: x\r")).toEqual([]);
    expect(p.push("\n\r\n")).toEqual(["x"]);
  });
});
