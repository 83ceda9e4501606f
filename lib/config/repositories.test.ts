import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRepositoriesConfig, RepositoryConfigError } from "./repositories";

describe("loadRepositoriesConfig", () => {
  let cwd: string;
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-config-"));
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const write = (file: string, text: string) => fs.writeFileSync(path.join(cwd, file), text);
  const load = (env: Record<string, string> = {}) => loadRepositoriesConfig({ env, cwd });
  const error = (fn: () => unknown): RepositoryConfigError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(RepositoryConfigError);
      return e as RepositoryConfigError;
    }
    throw new Error("expected a RepositoryConfigError");
  };

  it("reads draft: open a repository's change requests as drafts; anything but a boolean is refused", () => {
    write("ferry.config.yaml", "repositories:\n  - name: fleet\n    provider: github\n    url: https://github.com/acme/fleet\n    draft: true\n");
    expect(load().repositories[0]).toMatchObject({ name: "fleet", draft: true });
    expect(error(() => load({ FERRY_REPOSITORIES: JSON.stringify([{ name: "x", provider: "git", url: "/x", draft: "yes" }]) })).message).toMatch(/draft/);
  });

  it("returns source none when nothing is configured", () => {
    expect(load()).toEqual({ repositories: [], source: "none" });
  });

  it("reads FERRY_REPOSITORIES with defaults", () => {
    const result = load({
      FERRY_REPOSITORIES: JSON.stringify([
        { name: "fleet", provider: "git", url: "https://git.example.com/fleet.git" },
        { name: "payments-gitops", provider: "github", url: "https://github.com/acme/payments-gitops", branch: "trunk", team: "payments" },
      ]),
    });
    expect(result.source).toBe("env");
    expect(result.repositories).toEqual([
      { name: "fleet", provider: "git", url: "https://git.example.com/fleet.git", branch: "main" },
      { name: "payments-gitops", provider: "github", url: "https://github.com/acme/payments-gitops", branch: "trunk", team: "payments" },
    ]);
  });

  it("prefers FERRY_REPOSITORIES over a config file", () => {
    write("ferry.config.yaml", "repositories:\n  - { name: from-file, provider: git, url: /srv/x }\n");
    expect(load({ FERRY_REPOSITORIES: '[{"name":"from-env","provider":"git","url":"/srv/y"}]' }).repositories.map((r) => r.name)).toEqual(["from-env"]);
  });

  it("reads ferry.config.yaml from the working directory and resolves relative git paths against it", () => {
    write(
      "ferry.config.yaml",
      [
        "# comment",
        "repositories:",
        "  - name: platform",
        "    provider: git",
        "    url: ./repos/platform",
        "  - name: remote",
        "    provider: git",
        "    url: git@github.com:acme/fleet.git",
        "    team: identity",
        "somethingElse: ignored by this loader",
      ].join("\n"),
    );
    const result = load();
    expect(result.source).toBe("file");
    expect(result.file).toBe(path.join(cwd, "ferry.config.yaml"));
    expect(result.repositories).toEqual([
      { name: "platform", provider: "git", url: path.join(cwd, "repos/platform"), branch: "main" },
      { name: "remote", provider: "git", url: "git@github.com:acme/fleet.git", branch: "main", team: "identity" },
    ]);
  });

  it("reads the file named by FERRY_CONFIG, relative to the working directory", () => {
    fs.mkdirSync(path.join(cwd, "conf"));
    write("conf/portal.yaml", "repositories:\n  - { name: a, provider: gitlab, url: 'https://gitlab.example.com/group/a' }\n");
    const result = load({ FERRY_CONFIG: "conf/portal.yaml" });
    expect(result).toMatchObject({ source: "file", file: path.join(cwd, "conf/portal.yaml") });
    expect(result.repositories[0]).toMatchObject({ name: "a", provider: "gitlab" });
  });

  it("fails when FERRY_CONFIG names a missing file", () => {
    expect(error(() => load({ FERRY_CONFIG: "missing.yaml" })).message).toMatch(/FERRY_CONFIG=missing\.yaml: cannot read .*missing\.yaml \(ENOENT\)/);
  });

  it("treats an empty file as no repositories", () => {
    write("ferry.config.yaml", "# nothing yet\n");
    expect(load()).toMatchObject({ repositories: [], source: "file" });
  });

  it("names the variable and the bad entry", () => {
    const e = error(() =>
      load({ FERRY_REPOSITORIES: JSON.stringify([{ name: "ok", provider: "git", url: "/x" }, { name: "Bad_Name", provider: "git", url: "/y" }]) }),
    );
    expect(e.message).toMatch(/^FERRY_REPOSITORIES: repositories\[1\] \("Bad_Name"\): name: name must be a DNS-1123 label/);
  });

  it("names the file and the bad entry", () => {
    write("ferry.config.yaml", "repositories:\n  - name: fleet\n    provider: svn\n    url: /x\n");
    const e = error(() => load());
    expect(e.message).toContain(path.join(cwd, "ferry.config.yaml"));
    expect(e.message).toContain('repositories[0] ("fleet"): provider:');
  });

  it.each([
    [{ provider: "git", url: "/x" }, /repositories\[0\]: name:/],
    [{ name: "a".repeat(64), provider: "git", url: "/x" }, /at most 63/],
    [{ name: "x", provider: "git", url: "" }, /url must not be empty/],
    [{ name: "x", provider: "git", url: "--upload-pack=evil" }, /must not start with "-"/],
    [{ name: "x", provider: "github", url: "acme/repo" }, /web address/],
    [{ name: "x", provider: "git", url: "/x", branch: "-f" }, /branch is not a valid/],
    [{ name: "x", provider: "git", url: "/x", brnach: "main" }, /brnach/],
    [{ name: "x", provider: "git", url: "/x", team: "Team A" }, /team must be a DNS-1123 label/],
  ])("rejects %j", (entry, message) => {
    expect(error(() => load({ FERRY_REPOSITORIES: JSON.stringify([entry]) })).message).toMatch(message);
  });

  it("rejects duplicate names, invalid JSON, invalid YAML and a non-list", () => {
    const dup = JSON.stringify([
      { name: "a", provider: "git", url: "/x" },
      { name: "a", provider: "git", url: "/y" },
    ]);
    expect(error(() => load({ FERRY_REPOSITORIES: dup })).message).toMatch(/repositories\[1\] \("a"\): name "a" is already used by repositories\[0\]/);
    expect(error(() => load({ FERRY_REPOSITORIES: "[{" })).message).toMatch(/FERRY_REPOSITORIES is not valid JSON/);
    expect(error(() => load({ FERRY_REPOSITORIES: '{"name":"a"}' })).message).toMatch(/must be a list/);
    write("ferry.config.yaml", "repositories: [\n");
    expect(error(() => load()).message).toMatch(/is not valid YAML/);
    write("ferry.config.yaml", "- just a list\n");
    expect(error(() => load()).message).toMatch(/expected a mapping/);
  });

  it("accepts the documented example file", () => {
    const example = fs.readFileSync(path.resolve(import.meta.dirname, "../../ferry.config.example.yaml"), "utf8");
    write("ferry.config.yaml", example);
    const result = load();
    expect(result.repositories.length).toBeGreaterThanOrEqual(3);
    expect(new Set(result.repositories.map((r) => r.provider))).toEqual(new Set(["git", "github", "gitlab"]));
  });
});
