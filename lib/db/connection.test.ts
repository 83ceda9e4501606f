import { describe, expect, it } from "vitest";
import { describeTarget, explainConnectError, redactSecrets } from "./connection.ts";

describe("describeTarget", () => {
  it("names host, port and database but never the credentials", () => {
    expect(describeTarget("postgresql://ferry:s3cret@db.internal:6543/portal?sslmode=require")).toBe("db.internal:6543/portal");
    expect(describeTarget("postgres://ferry:s3cret@db.internal/portal")).toBe("db.internal:5432/portal");
    expect(describeTarget("postgresql://[::1]:5433/x")).toBe("[::1]:5433/x");
  });

  it("takes a socket directory given as ?host=", () => {
    expect(describeTarget("postgresql://ferry:s3cret@/portal?host=/var/run/postgresql")).toBe("/var/run/postgresql:5432/portal");
  });

  it("does not echo a string it cannot parse (it might be all secret)", () => {
    expect(describeTarget("host=db password=s3cret")).toBe("(unparseable DATABASE_URL)");
  });
});

describe("redactSecrets", () => {
  it("removes the password in plain and URL-encoded form", () => {
    const url = "postgresql://ferry:s3cret%2Fx@db:5432/ferry";
    expect(redactSecrets("failed for postgresql://ferry:s3cret%2Fx@db and s3cret/x", url)).toBe("failed for postgresql://ferry:****@db and ****");
  });
});

describe("explainConnectError", () => {
  const url = "postgresql://ferry:s3cret@db:5432/ferry";
  it("turns common errors into a short reason", () => {
    expect(explainConnectError({ code: "ECONNREFUSED" }, url, 5000)).toBe("connection refused");
    expect(explainConnectError({ code: "ENOTFOUND" }, url, 5000)).toBe("host not found");
    expect(explainConnectError({ code: "28P01", message: 'password authentication failed for user "ferry"' }, url, 5000)).toMatch(/^authentication failed/);
    expect(explainConnectError(new Error("Connection terminated due to connection timeout"), url, 5000)).toBe("no answer within 5 s");
  });

  it("never passes the password through from a driver message", () => {
    expect(explainConnectError(new Error("weird: s3cret"), url, 5000)).toBe("weird: ****");
  });
});
