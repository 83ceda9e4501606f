import { describe, expect, it } from "vitest";
import { ForbiddenError } from "./errors";
import {
  ACTIONS,
  assertAuthorized,
  authorize,
  policyConfigFromEnv,
  type Action,
  type Actor,
  type Resource,
} from "./policy";

const vic: Actor = { kind: "user", id: "vic", name: "Vic Viewer", email: "vic@x", role: "VIEWER", teams: [] };
const dana: Actor = { kind: "user", id: "dana", name: "Dana Developer", email: "dana@x", role: "DEVELOPER", teams: ["payments"] };
const alex: Actor = { kind: "user", id: "alex", name: "Alex Admin", email: "alex@x", role: "ADMIN", teams: [] };
const ci: Actor = { kind: "token", id: "7", name: "ci-payments", teams: ["payments"] };

// Every scenario is seen from dana's (and the token's) side: "own" is team payments.
const SCENARIOS = {
  own: { team: "payments", env: "staging", protectedEnv: false },
  other: { team: "search", env: "staging", protectedEnv: false },
  ownProd: { team: "payments", env: "production", protectedEnv: true },
  otherProd: { team: "search", env: "production", protectedEnv: true },
  noTeam: { team: null, env: "staging" },
  ownAuthoredByDana: { team: "payments", env: "staging", authorId: "dana" },
  ownAuthoredByAlex: { team: "payments", env: "staging", authorId: "alex" },
} satisfies Record<string, Resource>;
type Scenario = keyof typeof SCENARIOS;

// The rule table written out by hand (Y = allowed), not derived from the code under test.
//                                     viewer dev admin token
const TABLE: Record<Action, Partial<Record<Scenario, string>> & { default: string }> = {
  "repository.read": { default: "Y Y Y Y" },
  "audit.read": { default: "Y Y Y N" },
  "repository.sync": {
    default: "N Y Y N",
    other: "N N Y N",
    otherProd: "N N Y N",
  },
  "deployment.promote": {
    default: "N Y Y Y",
    other: "N N Y N",
    otherProd: "N N Y N",
    noTeam: "N N Y N",
  },
  "change.merge": {
    default: "N Y Y N",
    other: "N N Y N",
    ownProd: "N N Y N",
    otherProd: "N N Y N",
    noTeam: "N N Y N",
    ownAuthoredByDana: "N N Y N",
  },
  "change.close": {
    default: "N Y Y N",
    other: "N N Y N",
    otherProd: "N N Y N",
    noTeam: "N N Y N",
  },
  "tenant.onboard": { default: "N N Y N" },
  "app.create": {
    default: "N Y Y N",
    other: "N N Y N",
    otherProd: "N N Y N",
    noTeam: "N N Y N",
  },
  "token.manage": { default: "N N Y N" },
  "people.read": { default: "N N Y N" },
};

const ACTORS = [vic, dana, alex, ci] as const;

const cases = ACTIONS.flatMap((action) =>
  (Object.keys(SCENARIOS) as Scenario[]).flatMap((scenario) => {
    const row = (TABLE[action][scenario] ?? TABLE[action].default).split(" ");
    return ACTORS.map((actor, i) => ({ action, scenario, actor, allowed: row[i] === "Y" }));
  }),
);

describe("authorize: the rule table", () => {
  it("covers every action × actor × scenario", () => {
    expect(cases).toHaveLength(ACTIONS.length * Object.keys(SCENARIOS).length * ACTORS.length);
  });

  it.each(cases)("$action · $scenario · $actor.name → allowed=$allowed", ({ action, scenario, actor, allowed }) => {
    const decision = authorize(actor, action, SCENARIOS[scenario]);
    expect(decision.allowed).toBe(allowed);
    if (!decision.allowed) expect(decision.reason.length).toBeGreaterThan(10);
  });
});

describe("authorize: reasons a person can read", () => {
  const reason = (actor: Actor | null, action: Action, resource?: Resource) => {
    const d = authorize(actor, action, resource);
    return d.allowed ? "(allowed)" : d.reason;
  };

  it("a viewer is refused every write, by role", () => {
    for (const action of ACTIONS.filter((a) => a !== "repository.read" && a !== "audit.read")) {
      expect(reason(vic, action, SCENARIOS.own)).toMatch(/^Vic Viewer is a viewer and cannot /);
    }
    expect(reason(vic, "deployment.promote", SCENARIOS.own)).toBe("Vic Viewer is a viewer and cannot promote");
  });

  it("a developer is refused another team's app, naming the team", () => {
    expect(reason(dana, "app.create", { team: "search" })).toBe("Dana Developer is not a member of team search");
    expect(reason(dana, "deployment.promote", SCENARIOS.other)).toBe("Dana Developer is not a member of team search");
  });

  it("a developer may open promotions of their team's app, also to protected production; merging there needs the role", () => {
    expect(authorize(dana, "deployment.promote", SCENARIOS.own)).toEqual({ allowed: true });
    expect(authorize(dana, "deployment.promote", SCENARIOS.ownProd)).toEqual({ allowed: true });
    expect(reason(dana, "change.merge", { ...SCENARIOS.ownProd, authorId: "sam" })).toBe(
      "production is protected: only platform admins may merge into it",
    );
    expect(authorize(alex, "change.merge", { ...SCENARIOS.ownProd, authorId: "dana" })).toEqual({ allowed: true });
  });

  it("nobody merges their own change, except an admin", () => {
    expect(reason(dana, "change.merge", SCENARIOS.ownAuthoredByDana)).toMatch(/authored this change/);
    expect(authorize(dana, "change.merge", SCENARIOS.ownAuthoredByAlex)).toEqual({ allowed: true });
    expect(authorize(alex, "change.merge", SCENARIOS.ownAuthoredByAlex)).toEqual({ allowed: true });
    expect(authorize(dana, "change.close", SCENARIOS.ownAuthoredByDana)).toEqual({ allowed: true });
  });

  it("nobody merges their own change into a protected environment, admins included (four eyes)", () => {
    const prodByAlex = { ...SCENARIOS.ownProd, authorId: "alex" };
    expect(reason(alex, "change.merge", prodByAlex)).toBe(
      "Alex Admin authored this change, which alters production: a protected environment needs a second person to merge it (four eyes, platform admins included)",
    );
    expect(authorize(alex, "change.merge", { ...SCENARIOS.ownProd, authorId: "bea" })).toEqual({ allowed: true });
    expect(authorize(alex, "change.close", prodByAlex)).toEqual({ allowed: true });
  });

  it("merging needs the authority to open the change: a tenant onboarding is merged by admins only", () => {
    const tenant: Resource = { team: "payments", authorId: "alex", openAction: "tenant.onboard" };
    expect(reason(dana, "change.merge", tenant)).toBe(
      "Dana Developer cannot merge this change: merging it needs the authority to open it, and Dana Developer is a developer and cannot onboard tenants: only platform admins may",
    );
    expect(authorize(alex, "change.merge", { ...tenant, authorId: "bea" })).toEqual({ allowed: true });
    expect(authorize(dana, "change.merge", { ...SCENARIOS.own, authorId: "sam", openAction: "deployment.promote" })).toEqual({ allowed: true });
    expect(reason(dana, "change.merge", { team: "search", authorId: "sam", openAction: "app.create" })).toBe("Dana Developer is not a member of team search");
  });

  it("a change is judged by every team whose app it alters: a member of all of them merges it, others are told which team they lack", () => {
    const multi = { team: "payments", teams: ["payments", "search"], authorId: "sam", openAction: "deployment.promote" } satisfies Resource;
    const both: Actor = { ...dana, teams: ["payments", "search"] } as Actor;
    expect(reason(dana, "change.merge", multi)).toBe("Dana Developer is not a member of team search, whose app this change also alters");
    expect(authorize(both, "change.merge", multi)).toEqual({ allowed: true });
    expect(authorize(alex, "change.merge", multi)).toEqual({ allowed: true });
    // An altered app that belongs to no team leaves the merge to admins, whoever's the label's app.
    expect(reason(both, "change.merge", { ...multi, teams: ["payments", null] })).toMatch(/alters an app that belongs to no team, so only platform admins may/);
    // A bulk change whose cells span teams (no one team of its own) is merged by someone in all of them.
    expect(authorize(both, "change.merge", { team: "payments", teams: ["search", "payments"], authorId: "sam" })).toEqual({ allowed: true });
    expect(reason({ ...dana, teams: [] } as Actor, "change.merge", { team: "payments", teams: ["search", "payments"], authorId: "sam" })).toBe(
      "Dana Developer is not a member of teams payments, search, whose apps this change also alters",
    );
  });

  it("a merge into a protected env needs the protected role", () => {
    expect(reason(dana, "change.merge", SCENARIOS.ownProd)).toBe(
      "production is protected: only platform admins may merge into it",
    );
  });

  it("a token is refused token.manage and everything but promotion and reads", () => {
    expect(reason(ci, "token.manage")).toBe('API token "ci-payments" cannot manage API tokens: tokens may only promote');
    expect(reason(ci, "change.merge", SCENARIOS.own)).toMatch(/tokens may only promote/);
    expect(reason(ci, "deployment.promote", SCENARIOS.other)).toBe('API token "ci-payments" is not a member of team search');
  });

  it("an app without a team is left to admins", () => {
    expect(reason(dana, "deployment.promote", SCENARIOS.noTeam)).toMatch(/belongs to no team, so only platform admins may/);
  });

  it("a team-scoped action without any team is refused rather than guessed", () => {
    expect(reason(dana, "deployment.promote", {})).toMatch(/names no team/);
  });

  it("developers may not onboard tenants or manage tokens", () => {
    expect(reason(dana, "tenant.onboard")).toBe("Dana Developer is a developer and cannot onboard tenants: only platform admins may");
  });

  it("nobody signed in is refused everything, even reads", () => {
    for (const action of ACTIONS) expect(authorize(null, action).allowed).toBe(false);
    expect(reason(null, "repository.read")).toBe("Sign in to read repositories");
  });
});

describe("protectedEnvRole is configurable", () => {
  const relaxed = { protectedEnvRole: "DEVELOPER" as const };

  it("with DEVELOPER, developers of the team may merge into production, viewers and other teams still not", () => {
    const prodBySam = { ...SCENARIOS.ownProd, authorId: "sam" };
    expect(authorize(dana, "change.merge", prodBySam, relaxed)).toEqual({ allowed: true });
    expect(authorize(ci, "change.merge", prodBySam, relaxed).allowed).toBe(false);
    expect(authorize(vic, "change.merge", prodBySam, relaxed).allowed).toBe(false);
    expect(authorize(dana, "change.merge", { ...SCENARIOS.otherProd, authorId: "sam" }, relaxed).allowed).toBe(false);
  });

  it("is read from FERRY_PROTECTED_ENV_ROLE and refuses nonsense", () => {
    expect(policyConfigFromEnv({})).toEqual({ protectedEnvRole: "ADMIN" });
    expect(policyConfigFromEnv({ FERRY_PROTECTED_ENV_ROLE: "developer" })).toEqual({ protectedEnvRole: "DEVELOPER" });
    expect(() => policyConfigFromEnv({ FERRY_PROTECTED_ENV_ROLE: "viewer" })).toThrow(/must be "developer" or "admin"/);
  });
});

describe("assertAuthorized", () => {
  it("throws a ForbiddenError carrying the reason", () => {
    expect(() => assertAuthorized(vic, "deployment.promote", SCENARIOS.own)).toThrow(ForbiddenError);
    expect(() => assertAuthorized(vic, "deployment.promote", SCENARIOS.own)).toThrow(
      "Vic Viewer is a viewer and cannot promote",
    );
  });

  it("returns quietly when allowed", () => {
    expect(() => assertAuthorized(alex, "token.manage")).not.toThrow();
  });
});
