import { describe, expect, it } from "vitest";
import { versionLabel } from "./version-label";

describe("versionLabel", () => {
  it("shows the tag of an image and name@version of a chart", () => {
    expect(versionLabel({ kind: "image", name: "ghcr.io/acme/a", value: "1.2.3", floating: false })).toBe("1.2.3");
    expect(versionLabel({ kind: "chart", name: "oci://ghcr.io/acme/charts/search-api", value: "1.4.0", floating: false })).toBe("search-api@1.4.0");
  });
  it("shortens a digest", () => {
    const digest = "sha256:e595072b00db672beeddc666aa27fec03d3f9f0a5779eb6b9c21e826e6611e18";
    expect(versionLabel({ kind: "image", name: "a", value: digest, floating: false })).toBe("sha256:e595072b00db…");
  });
  it("says unpinned when there is nothing", () => {
    expect(versionLabel({ kind: "image", name: "a", value: null, floating: true })).toBe("unpinned");
  });
});
