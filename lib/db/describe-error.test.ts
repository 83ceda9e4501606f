import { describe, expect, it } from "vitest";
import { describeDatabaseError } from "./describe-error";

describe("describeDatabaseError", () => {
  it("masks the password of a connection string and keeps the host", () => {
    const message = describeDatabaseError(new Error("connect failed for postgres://ferry:s3cret@db.internal:5432/ferry"));
    expect(message).not.toContain("s3cret");
    expect(message).toContain("db.internal:5432");
  });

  it("keeps only the first non-empty line", () => {
    expect(describeDatabaseError(new Error("\nfirst\nsecond"))).toBe("first");
  });
});

describe("describeDatabaseError with the configured connection", () => {
  it("removes the configured password even outside a URL", () => {
    const message = describeDatabaseError(new Error("auth failed: tried hunter2-secret"), "postgres://ferry:hunter2-secret@db:5432/ferry");
    expect(message).toBe("auth failed: tried ****");
  });
});
