import { describe, expect, it } from "vitest";
import { codeOwnersPath, ownersOf, parseCodeOwners, reviewersFor } from "./codeowners";

const FILE = `
# Platform owns everything by default
*                       @acme/platform
/apps/                  @acme/apps-team
apps/**/production/     @alice @acme/sre   # production needs SRE
*.md                    docs@acme.example
/apps/checkout/         @bob
/apps/checkout/README.md
!apps/legacy/           @carol
apps/[ab]*/             @dave
`;

describe("CODEOWNERS", () => {
  const file = parseCodeOwners(FILE);

  it("uses the first file GitHub looks for: .github/, then the root, then docs/", () => {
    expect(codeOwnersPath(["docs/CODEOWNERS", "CODEOWNERS", "apps/x.yaml"])).toBe("CODEOWNERS");
    expect(codeOwnersPath(["docs/CODEOWNERS", ".github/CODEOWNERS"])).toBe(".github/CODEOWNERS");
    expect(codeOwnersPath(["docs/CODEOWNERS"])).toBe("docs/CODEOWNERS");
    expect(codeOwnersPath(["codeowners", "README.md"])).toBeNull();
  });

  it("lets the last matching pattern win", () => {
    expect(ownersOf(file, "clusters/prod/kustomization.yaml")).toEqual(["@acme/platform"]);
    expect(ownersOf(file, "apps/payments/staging/deployment.yaml")).toEqual(["@acme/apps-team"]);
    expect(ownersOf(file, "apps/payments/envs/production/values.yaml")).toEqual(["@alice", "@acme/sre"]);
    // /apps/checkout/ comes after apps/**/production/: it wins for checkout's production too.
    expect(ownersOf(file, "apps/checkout/production/deployment.yaml")).toEqual(["@bob"]);
  });

  it("matches .gitignore-style: unanchored names anywhere, anchored ones at the root only, case-sensitively", () => {
    expect(ownersOf(file, "docs/guide.md")).toEqual(["docs@acme.example"]);
    expect(ownersOf(file, "nested/apps/x.yaml")).toEqual(["@acme/platform"]);
    expect(ownersOf(file, "Apps/payments/x.yaml")).toEqual(["@acme/platform"]);
  });

  it("gives a path no owner when the last matching rule names none", () => {
    expect(ownersOf(file, "apps/checkout/README.md")).toEqual([]);
  });

  it("skips the lines GitHub rejects, saying why, and keeps the rest", () => {
    expect(file.skipped.map((s) => s.line)).toEqual([9, 10]);
    expect(file.skipped[0]?.reason).toMatch(/negation/);
    expect(file.skipped[1]?.reason).toMatch(/character ranges/);
    expect(ownersOf(file, "apps/legacy/x.yaml")).toEqual(["@acme/apps-team"]);
    expect(parseCodeOwners("* @-bad-").skipped[0]?.reason).toMatch(/not an @user/);
  });

  it("requests users by login and the organisation's teams by slug, leaving out e-mails, other organisations and the author", () => {
    const paths = ["apps/payments/envs/production/values.yaml", "apps/checkout/production/deployment.yaml", "docs/guide.md", "clusters/a.yaml"];
    expect(reviewersFor(file, paths, "acme", ["Bob"])).toEqual({ users: ["alice"], teams: ["platform", "sre"] });
    expect(reviewersFor(parseCodeOwners("* @other/team @eve"), ["a"], "acme")).toEqual({ users: ["eve"], teams: [] });
  });
});
