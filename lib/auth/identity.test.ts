import { describe, expect, it } from "vitest";
import { DEMO_USERS, demoIdentityProvider } from "./demo-users";

describe("the demo provider", () => {
  const demo = demoIdentityProvider;

  it("signs in a listed demo user by id", async () => {
    await expect(demo.completeSignIn({ userId: "dana" })).resolves.toEqual({
      externalId: "dana",
      name: "Dana Developer",
      email: "dana@ferry.example",
    });
  });

  it("refuses unknown users", async () => {
    await expect(demo.completeSignIn({ userId: "mallory" })).resolves.toBeNull();
    await expect(demo.completeSignIn({})).resolves.toBeNull();
  });

  it("has one user of each kind the brief asks for", () => {
    expect(DEMO_USERS.map((u) => [u.id, u.name, u.role, u.teams])).toEqual([
      ["dana", "Dana Developer", "DEVELOPER", ["payments"]],
      ["sam", "Sam Searcher", "DEVELOPER", ["identity", "search"]],
      ["alex", "Alex Admin", "ADMIN", []],
      ["vic", "Vic Viewer", "VIEWER", []],
    ]);
  });
});
