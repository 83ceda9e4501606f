import { describe, expect, it } from "vitest";
import { compareVersions } from "./drift";
import type { Version } from "./model";

const image = (name: string, value: string | null, extra: Partial<Version> = {}): Version => ({
  kind: "image",
  name,
  value,
  floating: value === null || value === "latest",
  file: "apps/x/overlays/env/kustomization.yaml",
  field: `images[name=${name}].newTag`,
  doc: 0,
  path: ["images", 0, "newTag"],
  ...extra,
});

describe("compareVersions", () => {
  it("is the same when every field matches, whatever file holds it", () => {
    const drift = compareVersions([image("ghcr.io/acme/a", "1.2.3")], [image("ghcr.io/acme/a", "1.2.3", { file: "other.yaml" })]);
    expect(drift).toEqual({ state: "same", fields: [] });
  });

  it("says behind when the previous environment runs a newer semver", () => {
    const drift = compareVersions([image("ghcr.io/acme/a", "1.4.0")], [image("ghcr.io/acme/a", "1.3.9")]);
    expect(drift.state).toBe("behind");
    expect(drift.fields).toEqual([{ kind: "image", name: "ghcr.io/acme/a", previous: "1.4.0", current: "1.3.9" }]);
  });

  it("says ahead when this environment runs a newer version (hotfix)", () => {
    expect(compareVersions([image("a", "v2.0.0")], [image("a", "v2.0.1")]).state).toBe("ahead");
  });

  it("orders prereleases below the release", () => {
    expect(compareVersions([image("a", "1.2.0")], [image("a", "1.2.0-rc.1")]).state).toBe("behind");
  });

  it("cannot order git shas or arbitrary tags", () => {
    expect(compareVersions([image("a", "sha-1a2b3c")], [image("a", "sha-9f8e7d")]).state).toBe("differs");
  });

  it("compares digests when both sides are pinned by digest", () => {
    const prev = image("a", "1.0.0", { digest: "sha256:aaa" });
    const cur = image("a", "1.0.0", { digest: "sha256:bbb" });
    expect(compareVersions([prev], [cur]).state).toBe("differs");
  });

  it("is unknown without versions on one side", () => {
    expect(compareVersions([], [image("a", "1")]).state).toBe("unknown");
  });

  it("says behind when any field is behind among mixed results", () => {
    const drift = compareVersions(
      [image("a", "2.0.0"), image("b", "sha-1")],
      [image("a", "1.0.0"), image("b", "sha-2")],
    );
    expect(drift.state).toBe("behind");
    expect(drift.fields).toHaveLength(2);
  });
});
