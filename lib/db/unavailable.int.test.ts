import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import { defineAction } from "@/lib/actions/action";
import { actionResponse, withDatabaseErrors } from "@/lib/actions/http";
import { createPrisma } from "./client";
import { findFreePort } from "./free-port";
import { createTestDatabase, type TestDatabase } from "./testing/test-db";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "./unavailable";

// Real outages, not hand-made error objects: a port nobody listens on, and a connection the server
// terminates under the client (what a Postgres restart does to a pool).

let db: TestDatabase;
let deadUrl: string;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoUsers(db.prisma);
  deadUrl = `postgresql://ferry:s3cret@127.0.0.1:${await findFreePort()}/ferry`;
});
afterAll(async () => {
  await db?.drop();
});

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

const readRepositories = defineAction({
  name: "repository.list",
  input: z.object({}),
  permission: () => ({ action: "repository.read" }),
  handler: async ({ prisma }) => prisma.repository.findMany(),
  audit: { onSuccess: false },
});

describe("isDatabaseUnavailable", () => {
  it("recognises Prisma's errors for a server that is not listening (model query and raw query)", async () => {
    const dead = createPrisma(deadUrl);
    try {
      expect(isDatabaseUnavailable(await caught(() => dead.repository.findMany()))).toBe(true);
      expect(isDatabaseUnavailable(await caught(() => dead.$queryRaw`SELECT 1`))).toBe(true);
    } finally {
      await dead.$disconnect();
    }
  });

  it("recognises a connection the server terminated (a restart under a warm pool)", async () => {
    const client = new pg.Client({ connectionString: db.connectionString });
    client.on("error", () => {});
    await client.connect();
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await db.prisma.$queryRaw`SELECT pg_terminate_backend(${rows[0]!.pid}::int)`;
    const error = await caught(() => client.query("SELECT 1"));
    await client.end().catch(() => {});
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("does not take bugs or bad queries for an outage", async () => {
    expect(isDatabaseUnavailable(await caught(() => db.prisma.$queryRawUnsafe("SELECT * FROM no_such_table")))).toBe(false);
    expect(isDatabaseUnavailable(await caught(() => db.prisma.user.create({ data: { id: "dana", name: "Dana again", email: "dana@ferry.example" } })))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("cannot read properties of undefined"))).toBe(false);
  });
});

describe("API answers while the database is down", () => {
  it("the action chain answers 503 with the reason and Retry-After, not 500 'Something went wrong'", async () => {
    const dead = createPrisma(deadUrl);
    try {
      const actor = { kind: "user" as const, id: "alex", name: "Alex Admin", email: "alex@ferry.example", role: "ADMIN" as const, teams: [] };
      const result = await readRepositories.run({}, { actor, prisma: dead });
      expect(result).toEqual({ ok: false, code: "unavailable", error: DATABASE_UNAVAILABLE_MESSAGE });
      const response = actionResponse(result);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      const body = await response.text();
      expect(body).toContain("retry later");
      expect(body).not.toContain("s3cret");
    } finally {
      await dead.$disconnect();
    }
  });

  it("a route handler wrapped in withDatabaseErrors answers 503 for an outage and rethrows anything else", async () => {
    const dead = createPrisma(deadUrl);
    try {
      const route = withDatabaseErrors(async (_request: Request) => Response.json(await dead.changeRequest.findMany()));
      const response = await route(new Request("http://portal/api/v1/changes"));
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ ok: false, code: "unavailable", error: DATABASE_UNAVAILABLE_MESSAGE });
      const buggy = withDatabaseErrors(async () => {
        throw new TypeError("a bug");
      });
      await expect(buggy()).rejects.toThrow("a bug");
    } finally {
      await dead.$disconnect();
    }
  });
});
