import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureDir, listFixtures, loadFixture } from "../testing/load-fixture";
import { modelSubset } from "../testing/model-subset";
import { readRepository } from "./index";

// One fixture per repository layout of the seeds and CONVENTIONS.md; expected.json pins what a user
// sees (envs, apps, teams, cells, versions and where each version is written).
const fixtures = listFixtures().filter((name) => existsSync(path.join(fixtureDir(name), "expected.json")));

describe("readRepository on layout fixtures", () => {
  it("has a fixture for every seed layout", () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        "cloudogu-basic",
        "cloudogu-tenant",
        "gop-tenants",
        "argocd-autopilot",
        "flux-monorepo",
        "flux-platform",
        "flux-team-repo",
        "christianh814-monorepo",
        "app-with-variants",
        "many-appsets-demo",
        "stages-envs",
        "kargo-stages",
        "layered-overlays",
        "bounded-apps",
        "fleet-infra",
        "conventions-mix",
        "config-pinned",
        "hostile",
      ]),
    );
  });

  for (const name of fixtures) {
    it(`reads ${name}`, () => {
      const expected: unknown = JSON.parse(readFileSync(path.join(fixtureDir(name), "expected.json"), "utf8"));
      const model = readRepository(loadFixture(name), { rootAppName: name });
      expect(modelSubset(model)).toEqual(expected);
    });
  }
});
