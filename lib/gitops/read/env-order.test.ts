import { describe, expect, it } from "vitest";
import { envNameForms, isStageWord, orderEnvironments, stageOf } from "./env-order";

describe("devel is a spelling of the development stage", () => {
  it("is a stage word of its own and with a variant", () => {
    expect(isStageWord("devel")).toBe(true);
    expect(stageOf("devel")).toBe("devel");
    expect(stageOf("devel-eu")).toBe("devel");
  });

  it("ranks with dev, before staging and production", () => {
    const order = orderEnvironments(["prod", "staging", "devel"], []).map((e) => e.name);
    expect(order).toEqual(["devel", "staging", "prod"]);
  });

  it("is one of the forms of dev, and dev one of devel's", () => {
    expect(envNameForms("dev")).toContain("devel");
    expect(envNameForms("devel")).toEqual(expect.arrayContaining(["dev", "develop", "development"]));
  });
});
