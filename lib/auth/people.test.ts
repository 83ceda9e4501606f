import { describe, expect, it } from "vitest";
import { reasonsFor, type Person } from "./people";

const base: Person = { id: "x", name: "X", email: "x@acme.test", role: "VIEWER", teams: [], provider: null, groups: [], grants: [], lastSignInAt: null, groupsRefreshedAt: null, groupsKeptFresh: false };

describe("reasonsFor: why a person holds a role or team", () => {
  it("names each matching group and rule", () => {
    const pat: Person = { ...base, provider: "oidc", role: "DEVELOPER", teams: ["payments"], grants: [{ grant: "team:payments", group: "oidc:payments-devs", line: 3, rule: "g, oidc:payments-devs, team:payments" }, { grant: "team:payments", group: "oidc:all-devs", line: 7, rule: "g, oidc:all-devs, team:payments" }] };
    expect(reasonsFor(pat, "team:payments")).toEqual(["group oidc:payments-devs, rule on line 3: g, oidc:payments-devs, team:payments", "group oidc:all-devs, rule on line 7: g, oidc:all-devs, team:payments"]);
    // A developer by team: no role rule to name.
    expect(reasonsFor(pat, "role:developer")).toEqual([]);
  });

  it.each(["oidc", "github", "gitlab"])("says a %s viewer is one because no rule names their groups", (provider) => {
    expect(reasonsFor({ ...base, provider }, "role:viewer")).toEqual(["no rule of the policy file names any of their groups"]);
  });

  it("says a demo (or seeded) user's role is fixed in code", () => {
    expect(reasonsFor({ ...base, provider: "demo", role: "ADMIN" }, "role:admin")).toEqual(["a demo user: role and teams are fixed in lib/auth/demo-users.ts"]);
    expect(reasonsFor(base, "role:viewer")).toEqual(["a demo user: role and teams are fixed in lib/auth/demo-users.ts"]);
  });
});
