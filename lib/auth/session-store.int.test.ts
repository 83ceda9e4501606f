import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { createSessionRecord, getUserForSessionToken } from "./session-store";
import { SESSION_TTL_MS } from "./session-cookie";
import { sha256Hex } from "./tokens";

// The session lookup every page and API call makes, on a real PostgreSQL: one query joining the
// session, its person and their teams.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.team.createMany({ data: [{ name: "payments" }, { name: "checkout" }, { name: "Zeta-team" }, { name: "unrelated" }] });
  await db.prisma.user.create({ data: { id: "ana", name: "Ana", email: "ana@acme.test", role: "DEVELOPER" } });
  await db.prisma.user.create({ data: { id: "bo", name: "Bo", email: "bo@acme.test", role: "ADMIN" } });
  const teams = await db.prisma.team.findMany();
  const id = (name: string) => teams.find((t) => t.name === name)!.id;
  await db.prisma.teamMember.createMany({ data: ["payments", "checkout", "Zeta-team"].map((t) => ({ userId: "ana", teamId: id(t) })) });
});
afterAll(async () => {
  await db?.drop();
});

describe("getUserForSessionToken", () => {
  it("returns the person, their role and every team they belong to, sorted", async () => {
    const { token } = await createSessionRecord(db.prisma, "ana");
    expect(await getUserForSessionToken(db.prisma, token)).toEqual({
      kind: "user",
      id: "ana",
      name: "Ana",
      email: "ana@acme.test",
      role: "DEVELOPER",
      teams: ["Zeta-team", "checkout", "payments"],
    });
  });

  it("gives a person in no team an empty list, not a list with a null in it", async () => {
    const { token } = await createSessionRecord(db.prisma, "bo");
    expect(await getUserForSessionToken(db.prisma, token)).toMatchObject({ id: "bo", role: "ADMIN", teams: [] });
  });

  it("answers null for a malformed or unknown token", async () => {
    expect(await getUserForSessionToken(db.prisma, undefined)).toBeNull();
    expect(await getUserForSessionToken(db.prisma, "short")).toBeNull();
    expect(await getUserForSessionToken(db.prisma, "A".repeat(43))).toBeNull();
  });

  it("answers null for an expired session and deletes it", async () => {
    const past = new Date(Date.now() - SESSION_TTL_MS - 60_000);
    const { token } = await createSessionRecord(db.prisma, "ana", past);
    expect(await db.prisma.session.count({ where: { id: sha256Hex(token) } })).toBe(1);
    expect(await getUserForSessionToken(db.prisma, token)).toBeNull();
    expect(await db.prisma.session.count({ where: { id: sha256Hex(token) } })).toBe(0);
  });

  it("sees a team taken away at once (nothing is kept between calls)", async () => {
    const { token } = await createSessionRecord(db.prisma, "ana");
    const checkout = await db.prisma.team.findUniqueOrThrow({ where: { name: "checkout" } });
    await db.prisma.teamMember.delete({ where: { userId_teamId: { userId: "ana", teamId: checkout.id } } });
    expect((await getUserForSessionToken(db.prisma, token))?.teams).toEqual(["Zeta-team", "payments"]);
  });
});
