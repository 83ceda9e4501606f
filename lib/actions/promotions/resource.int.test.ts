import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import type { Actor } from "@/lib/auth/policy";
import { createSessionRecord, getUserForSessionToken } from "@/lib/auth/session-store";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import type { ActionResult } from "../action";
import { actionResponse } from "../http";
import { openPromotionAction } from "./open-promotion";
import { previewPromotionAction } from "./preview-promotion";

// The promotion actions through the whole chain (validate → actor → authorize → handler) against a
// real Postgres: an app the portal does not know is a 422 that says so, not a 403 about teams.

let db: TestDatabase;
let dana: Actor;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoUsers(db.prisma);
  const { token } = await createSessionRecord(db.prisma, "dana");
  const user = await getUserForSessionToken(db.prisma, token);
  if (!user) throw new Error("no session user for dana");
  dana = user;
  await db.prisma.repository.create({ data: { name: "payments-gitops", provider: "git", url: "/nonexistent/payments-gitops.git", defaultBranch: "main", team: "payments" } });
});
afterAll(async () => {
  await db?.drop();
});

describe("promoting an app the portal does not know", () => {
  for (const [name, action] of [
    ["open", openPromotionAction],
    ["preview", previewPromotionAction],
  ] as const) {
    it(`${name}: 422 naming the app, not 403 "belongs to no team"`, async () => {
      const input = { repository: "payments-gitops", app: "no-such-app", from: "staging", to: "production" };
      const result: ActionResult<unknown> = await action.run(input, { actor: dana, prisma: db.prisma });
      const response = actionResponse(result);
      expect(response.status).toBe(422);
      expect(result).toMatchObject({ ok: false, code: "failed", error: expect.stringMatching(/^Repository payments-gitops has no app no-such-app/) });
      if (!result.ok) expect(result.error).not.toMatch(/belongs to no team/);
    });
  }
});
