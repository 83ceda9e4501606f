import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "./demo-users";
import { getIdentityProvider } from "./identity";

describe("getIdentityProvider", () => {
  it("is the demo provider when FERRY_AUTH is unset, empty or demo", async () => {
    for (const env of [{}, { FERRY_AUTH: "" }, { FERRY_AUTH: "demo" }]) {
      expect(getIdentityProvider(env).id).toBe("demo");
    }
  });

  it("refuses any other value with a clear error", () => {
    expect(() => getIdentityProvider({ FERRY_AUTH: "github" })).toThrow(
      /FERRY_AUTH="github" is not supported: the only sign-in provider so far is "demo"/,
    );
  });
});

describe("the demo provider", () => {
  const demo = getIdentityProvider({});

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
