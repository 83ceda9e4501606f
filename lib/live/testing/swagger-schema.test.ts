import { describe, expect, it } from "vitest";
import { argoCdDescription, responseSchema } from "./argocd-description";
import { validateSwagger } from "./swagger-schema";

const { definitions } = argoCdDescription();
const list = responseSchema("/api/v1/applications", 200);

describe("validateSwagger against Argo CD's description", () => {
  it("accepts an application list as Argo CD serves it", () => {
    const body = {
      metadata: { resourceVersion: "42" },
      items: [{ metadata: { name: "a", namespace: "argocd" }, spec: { destination: { namespace: "x" } }, status: { sync: { status: "Synced" }, history: [{ id: 3, deployedAt: "2026-12-02T10:00:00Z" }] } }],
    };
    expect(validateSwagger(body, list, definitions)).toEqual([]);
  });

  it("names every field that breaks the schema", () => {
    const body = { metadata: { resourceVersion: 42 }, items: [{ metadata: { name: "a", nmae: "typo" }, status: { reconciledAt: "yesterday", summary: { images: "x" } } }] };
    expect(validateSwagger(body, list, definitions)).toEqual([
      "$.metadata.resourceVersion: expected a string, got 42",
      "$.items[0].metadata.nmae: not in the schema",
      "$.items[0].status.reconciledAt: expected a date-time, got yesterday",
      "$.items[0].status.summary.images: expected an array",
    ]);
  });
});
