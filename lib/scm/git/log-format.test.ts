import { describe, expect, it } from "vitest";
import { LogStreamParser, parseLog, type LogRecord } from "./log-format";

const header = (sha: string, msg: string) => `\x1e${sha}\0Zoë Ünal\0zoe@example.com\x002026-02-01T10:00:00+01:00\0${msg}\n`;

describe("log parsing", () => {
  it("parses commits with and without file lists", () => {
    const out = `${header("a".repeat(40), "two\n\nbody")}\0\napps/x/dev/k.yaml\0apps/ä.yaml\0${header("b".repeat(40), "one")}\0`;
    const records = parseLog(out);
    expect(records.map((r) => [r.commit.sha[0], r.commit.message, r.files])).toEqual([
      ["a", "two\n\nbody", ["apps/x/dev/k.yaml", "apps/ä.yaml"]],
      ["b", "one", []],
    ]);
    expect(records[0]?.commit).toMatchObject({ author: "Zoë Ünal", email: "zoe@example.com" });
    expect(records[0]?.commit.date.toISOString()).toBe("2026-02-01T09:00:00.000Z");
  });

  it("handles chunks split anywhere, even inside a multi-byte character", () => {
    const bytes = Buffer.from(`${header("c".repeat(40), "msg")}\0\nä/ö.yaml\0${header("d".repeat(40), "m2")}\0\nx\0`, "utf8");
    const records: LogRecord[] = [];
    const parser = new LogStreamParser((r) => records.push(r));
    for (let i = 0; i < bytes.length; i += 3) parser.push(bytes.subarray(i, i + 3));
    parser.end();
    expect(records.map((r) => r.files)).toEqual([["ä/ö.yaml"], ["x"]]);
    expect(records[0]?.commit.author).toBe("Zoë Ünal");
  });
});
