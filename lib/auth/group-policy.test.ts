import { describe, expect, it } from "vitest";
import { describePolicyErrors, mapGroups, parseGroupPolicy } from "./group-policy";

const FILE = `# Ferry group policy
g, oidc:platform-admins, role:admin
g, github:acme/payments, team:payments
g, gitlab:acme/payments, team:payments

  g,oidc:payments-devs,team:payments
g, oidc:search, team:search
g, oidc:auditors, role:viewer
g, "oidc:Payments, EU", team:payments-eu
g, OIDC:Mixed, role:developer
`;

describe("parseGroupPolicy", () => {
  it("reads every rule form, with its line and text, skipping comments and blank lines", () => {
    const { rules, errors } = parseGroupPolicy(FILE);
    expect(errors).toEqual([]);
    expect(rules.map((r) => [r.line, r.group, r.grant])).toEqual([
      [2, "oidc:platform-admins", { kind: "role", role: "ADMIN" }],
      [3, "github:acme/payments", { kind: "team", team: "payments" }],
      [4, "gitlab:acme/payments", { kind: "team", team: "payments" }],
      [6, "oidc:payments-devs", { kind: "team", team: "payments" }],
      [7, "oidc:search", { kind: "team", team: "search" }],
      [8, "oidc:auditors", { kind: "role", role: "VIEWER" }],
      [9, "oidc:Payments, EU", { kind: "team", team: "payments-eu" }],
      [10, "oidc:Mixed", { kind: "role", role: "DEVELOPER" }],
    ]);
    expect(rules[3]!.text).toBe("g,oidc:payments-devs,team:payments");
  });

  it("reads GitLab subgroups and CRLF line ends", () => {
    const { rules, errors } = parseGroupPolicy("g, gitlab:acme/platform/sre, role:admin\r\ng, oidc:x, team:x\r\n");
    expect(errors).toEqual([]);
    expect(rules.map((r) => r.group)).toEqual(["gitlab:acme/platform/sre", "oidc:x"]);
  });

  it.each([
    ["p, role:x, applications, get, */*, allow", /`p` lines are not supported/],
    ["x, oidc:a, role:admin", /starts with "g"/],
    ["g, oidc:a", /three fields.*has 2/],
    ["g, oidc:a, role:admin, extra", /three fields.*has 4/],
    ["g, ldap:a, role:admin", /"ldap:a" names no identity provider/],
    ["g, platform-admins, role:admin", /names no identity provider/],
    ["g, oidc:, role:admin", /names no group/],
    ["g, github:acme, team:payments", /github:<org>\/<team-slug>/],
    ["g, oidc:a, role:owner", /unknown role "owner"/],
    ["g, oidc:a, team:Payments Team", /not a team name/],
    ["g, oidc:a, admin", /grants nothing/],
    ['g, "oidc:a, role:admin', /unbalanced double quote/],
  ])("reports %j with its line number and grants nothing for it", (line, message) => {
    const { rules, errors } = parseGroupPolicy(`# header\ng, oidc:ok, team:ok\n${line}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(3);
    expect(errors[0]!.message).toMatch(message);
    expect(rules.map((r) => r.group)).toEqual(["oidc:ok"]);
  });

  it("names file and line for each error", () => {
    const { errors } = parseGroupPolicy("g, oidc:a, role:owner\n\ng, nope\n");
    expect(describePolicyErrors("/etc/ferry/policy.csv", errors)).toBe(
      '/etc/ferry/policy.csv:1: unknown role "owner": use role:admin, role:developer or role:viewer\n' +
        '/etc/ferry/policy.csv:3: a grant has three fields, "g, <source>:<group>, role:<role>|team:<team>", this one has 2',
    );
  });
});

describe("mapGroups", () => {
  const policy = parseGroupPolicy(FILE);

  it("gives a person with no mapped group a viewer of no team, with no reasons", () => {
    expect(mapGroups(policy, ["oidc:unknown", "oidc:Platform-Admins"])).toEqual({ role: "VIEWER", teams: [], because: [] });
    expect(mapGroups(policy, [])).toEqual({ role: "VIEWER", teams: [], because: [] });
  });

  it("makes a team member a developer of that team, and says which group and rule", () => {
    expect(mapGroups(policy, ["oidc:payments-devs"])).toEqual({
      role: "DEVELOPER",
      teams: ["payments"],
      because: [{ grant: "team:payments", group: "oidc:payments-devs", line: 6, rule: "g,oidc:payments-devs,team:payments" }],
    });
  });

  it("takes the highest role and every team, and lists each matching rule in file order", () => {
    const access = mapGroups(policy, ["oidc:search", "oidc:platform-admins", "github:acme/payments", "gitlab:acme/payments"]);
    expect(access.role).toBe("ADMIN");
    expect(access.teams).toEqual(["payments", "search"]);
    expect(access.because.map((b) => [b.line, b.grant])).toEqual([
      [2, "role:admin"],
      [3, "team:payments"],
      [4, "team:payments"],
      [7, "team:search"],
    ]);
  });

  it("keeps groups of one provider apart from the same name at another", () => {
    expect(mapGroups(policy, ["oidc:acme/payments"]).teams).toEqual([]);
    expect(mapGroups(policy, ["gitlab:acme/payments"]).teams).toEqual(["payments"]);
  });

  it("leaves an explicit viewer a viewer, and lets a developer role stand without a team", () => {
    expect(mapGroups(policy, ["oidc:auditors"])).toMatchObject({ role: "VIEWER", teams: [] });
    expect(mapGroups(policy, ["oidc:Mixed"])).toMatchObject({ role: "DEVELOPER", teams: [] });
    expect(mapGroups(policy, ["oidc:Payments, EU"])).toMatchObject({ role: "DEVELOPER", teams: ["payments-eu"] });
  });
});
