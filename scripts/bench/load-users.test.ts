import { describe, expect, it } from "vitest";
import { pageStamp } from "./load-users";

// The shapes Next.js gives the RSC payload: a navigation's body as is, a document's split into
// `self.__next_f.push([1, "<JSON string>"])` scripts (a row may straddle two of them).
const row = (url: string, initial: string) => `7:["$","$L1a",null,{"url":${JSON.stringify(url)},"field":"version","initial":"${initial}","everyMs":3000}]\n`;
const inDocument = (flight: string) => {
  const cut = Math.floor(flight.length / 2);
  return [flight.slice(0, cut), flight.slice(cut)].map((part) => `<script>self.__next_f.push([1,${JSON.stringify(part).replaceAll("&", "\\u0026")}])</script>`).join("");
};

describe("pageStamp", () => {
  it("reads what an open matrix page polls from a navigation's payload", () => {
    expect(pageStamp(`0:{"b":"x"}\n${row("/api/v1/cache-version", "abc123")}`)).toEqual({ url: "/api/v1/cache-version", field: "version", initial: "abc123" });
  });

  it("reads it from a document, joining the payload's scripts and their escapes", () => {
    const body = `<html><body><h1>Where everything runs</h1>${inDocument(`${row("/api/v1/live", "l1")}${row("/api/v1/matrix-stamp?team=a&page=2", "def456")}`)}</body></html>`;
    expect(pageStamp(body)).toEqual({ url: "/api/v1/matrix-stamp?team=a&page=2", field: "version", initial: "def456" });
  });

  it("says there is none on a page without a StampRefresh (or only the live one)", () => {
    expect(pageStamp(`<h1>app</h1>${inDocument(row("/api/v1/live", "l1"))}`)).toBeNull();
    expect(pageStamp("0:{}\n")).toBeNull();
  });
});
