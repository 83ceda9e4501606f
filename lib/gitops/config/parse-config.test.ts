import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "./parse-config";

describe("parseRepoConfig", () => {
  it("accepts a full config", () => {
    const { config, errors } = parseRepoConfig(
      ["paths: ['apps/{app}/overlays/{env}']", "environments: [dev, {name: prod, protected: true}]", "teams: {payments: [checkout, 'pay-*']}", "versionFields:", "  - {file: 'charts/*/values.yaml', path: image.tag, kind: image}", "neverPromote: ['**/secret*']"].join("\n"),
    );
    expect(errors).toEqual([]);
    expect(config?.versionFields?.[0]).toEqual({ file: "charts/*/values.yaml", path: "image.tag", kind: "image" });
    expect(config?.environments?.[1]).toEqual({ name: "prod", protected: true });
  });
  it("reports the line of an invalid field", () => {
    const { config, errors } = parseRepoConfig("paths:\n  - apps/{app}\nenvironments:\n  - dev\n  - {name: prod, protected: yes-please}\n");
    expect(config).toBeUndefined();
    expect(errors).toEqual([
      { file: ".ferry/config.yaml", line: 2, message: expect.stringContaining("{env}") },
      { file: ".ferry/config.yaml", line: 5, message: expect.stringContaining("environments.1") },
    ]);
  });
  it("reports unknown keys and YAML syntax errors with a line", () => {
    expect(parseRepoConfig("envs: [dev]\n").errors[0]).toMatchObject({ line: 1 });
    expect(parseRepoConfig("paths: [\n").errors[0]?.line).toBeGreaterThanOrEqual(1);
  });
});
