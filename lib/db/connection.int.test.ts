import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { checkDatabase } from "./connection.ts";
import { findFreePort } from "./free-port.ts";
import { withDatabase } from "./testing/provided.ts";

describe("checkDatabase", () => {
  it("says ok for the test server", async () => {
    const { adminConnectionString } = inject("ferryTestDatabase");
    expect(await checkDatabase(adminConnectionString)).toEqual({ ok: true, target: expect.stringMatching(/:\d+\/postgres$/) });
  });

  it("names host:port/database of an unreachable server, never the password", async () => {
    const port = await findFreePort();
    const result = await checkDatabase(`postgresql://ferry:s3cret@127.0.0.1:${port}/portal`, { timeoutMs: 2_000 });
    expect(result).toEqual({ ok: false, target: `127.0.0.1:${port}/portal`, message: `cannot reach PostgreSQL at 127.0.0.1:${port}/portal: connection refused` });
    expect(JSON.stringify(result)).not.toContain("s3cret");
  });

  it("reports a wrong password without repeating it", async () => {
    const { adminConnectionString } = inject("ferryTestDatabase");
    const url = new URL(withDatabase(adminConnectionString, "postgres"));
    url.password = "s3cret";
    const result = await checkDatabase(url.toString());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/postgres: authentication failed/);
    expect(JSON.stringify(result)).not.toContain("s3cret");
  });

  it("reports a missing database", async () => {
    const { adminConnectionString } = inject("ferryTestDatabase");
    const result = await checkDatabase(withDatabase(adminConnectionString, "no_such_db"));
    expect(!result.ok && result.message).toMatch(/no_such_db: the database does not exist/);
  });
});
