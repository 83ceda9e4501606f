import { describe, expect, it } from "vitest";
import type { EnvironmentImpact } from "../impact";
import { describeUnrendered, judgeByImpact, unrenderedFields } from "./judge-impact";
import type { PromotionPlan } from "./types";
import type { FieldChange } from "./types";

const field = (name: string, to: string, file = "apps/web/production/kustomization.yaml"): FieldChange => ({ kind: "image", name, file, field: `images[name=${name}].newTag`, from: "1.0.0", to });
const target = { app: "web", env: "production" };

describe("planned fields the target would not render", () => {
  it("is none when the re-read target renders every new value", () => {
    const impact: EnvironmentImpact[] = [{ app: "web", env: "production", versions: [{ name: "ghcr.io/acme/web", from: "1.0.0", to: "1.1.0" }] }];
    expect(unrenderedFields([field("ghcr.io/acme/web", "1.1.0")], impact, target)).toEqual([]);
  });

  it("names a field whose value the target still does not render, e.g. one a later layer sets", () => {
    const impact: EnvironmentImpact[] = [{ app: "web", env: "staging", versions: [{ name: "ghcr.io/acme/web", from: "1.0.0", to: "1.1.0" }] }];
    const unrendered = unrenderedFields([field("ghcr.io/acme/web", "1.1.0")], impact, target);
    expect(unrendered.map((f) => f.name)).toEqual(["ghcr.io/acme/web"]);
    expect(describeUnrendered(unrendered)).toBe("ghcr.io/acme/web 1.1.0 (apps/web/production/kustomization.yaml: images[name=ghcr.io/acme/web].newTag)");
  });

  it("tells a rendered field from an unrendered one in the same change, and accepts a value among several containers'", () => {
    const impact: EnvironmentImpact[] = [{ app: "web", env: "production", versions: [{ name: "ghcr.io/acme/web", from: "1.0.0", to: "1.0.0, 1.1.0" }] }];
    expect(unrenderedFields([field("ghcr.io/acme/web", "1.1.0"), field("ghcr.io/acme/sidecar", "2.0.0")], impact, target).map((f) => f.name)).toEqual(["ghcr.io/acme/sidecar"]);
  });

  it("does not judge a field the change removes", () => {
    expect(unrenderedFields([{ ...field("ghcr.io/acme/web", "x"), to: null }], [], target)).toEqual([]);
  });
});

describe("a plan judged by the re-read", () => {
  const plan = (fields: FieldChange[]): Extract<PromotionPlan, { status: "changes" }> => ({
    status: "changes",
    changeSet: { title: "Promote web", body: "", branch: "ferry/promote/web/production", commitMessage: "Promote web", edits: [], diff: "" },
    fields,
    skipped: [],
    downgrade: false,
    notes: [],
  });
  const request = { app: "web", to: "production", mode: "version" as const };

  it("refuses a version promotion the target would not render, saying what and where", () => {
    const judged = judgeByImpact(plan([field("ghcr.io/acme/web", "1.1.0")]), [], request);
    expect(judged).toMatchObject({ status: "refused", reason: expect.stringContaining("would not change what web runs in production") });
  });

  it("lets a folder promotion through (its fields describe the copied folder as a whole)", () => {
    expect(judgeByImpact(plan([field("ghcr.io/acme/web", "1.1.0")]), [], { ...request, mode: "folder" })).toMatchObject({ status: "changes", affected: [] });
  });

  it("names every other environment a shared file moves", () => {
    const impact: EnvironmentImpact[] = [
      { app: "web", env: "production", versions: [{ name: "ghcr.io/acme/web", from: "1.0.0", to: "1.1.0" }] },
      { app: "api", env: "staging", versions: [{ name: "ghcr.io/acme/proxy", from: "1.0.0", to: "1.1.0" }] },
    ];
    const judged = judgeByImpact(plan([field("ghcr.io/acme/web", "1.1.0")]), impact, request);
    expect(judged.status === "changes" && judged.notes).toEqual(["This change also alters staging: api in staging (ghcr.io/acme/proxy 1.0.0 → 1.1.0). A file it edits feeds those environments too."]);
  });
});
