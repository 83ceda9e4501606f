import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readSecret } from "./secrets";

describe("readSecret", () => {
  it("prefers the variable, then the file it names", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ferry-secret-"));
    const file = path.join(dir, "token");
    writeFileSync(file, "from-file\n");
    expect(readSecret("T", { T: "direct", T_FILE: file })).toBe("direct");
    expect(readSecret("T", { T_FILE: file })).toBe("from-file");
    expect(readSecret("T", {})).toBeUndefined();
  });

  it("says which file could not be read, without its content", () => {
    expect(() => readSecret("T", { T_FILE: "/nonexistent/token" })).toThrow("T_FILE points at /nonexistent/token, which cannot be read (ENOENT).");
  });
});
