import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureDir } from "../gitops/testing/load-fixture";

// bin/ferry.js runs a prebuilt bundle of the CLI (scripts/build-cli.mjs) when it matches the sources,
// and the TypeScript sources through tsx otherwise. Both must behave the same. The bundle here is
// built into a temporary folder, so the test does not depend on (or disturb) dist/cli.

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/ferry.js");
const BUILD = path.join(ROOT, "scripts/build-cli.mjs");

let out: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function ferry(args: string[], env: Record<string, string>): Run {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, FERRY_DEBUG: "", FERRY_CLI_TSX: "", FERRY_URL: "", FERRY_TOKEN: "", ...env },
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
const viaBundle = (args: string[]) => ferry(args, { FERRY_CLI_DIR: out });
const viaTsx = (args: string[]) => ferry(args, { FERRY_CLI_TSX: "1" });

/** Which way bin/ferry.js went, from its FERRY_DEBUG line. */
function route(dir: string): string {
  const res = ferry(["--help"], { FERRY_CLI_DIR: dir, FERRY_DEBUG: "1" });
  expect(res.status).toBe(0);
  return res.stderr.trim();
}

beforeAll(() => {
  out = mkdtempSync(path.join(tmpdir(), "ferry-cli-bundle-"));
  const build = spawnSync(process.execPath, [BUILD, "--force", "--outdir", out], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expect(build.status, build.stderr).toBe(0);
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("ferry CLI bundle", () => {
  it("is what bin/ferry.js runs right after a build", () => {
    expect(route(out)).toBe(`ferry: running the prebuilt bundle ${path.join(out, "ferry.mjs")}`);
  });

  it("prints the same scan --json as the TypeScript sources", { timeout: 60_000 }, () => {
    for (const fixture of ["flux-monorepo", "hostile"]) {
      const args = ["scan", fixtureDir(fixture), "--json"];
      const bundled = viaBundle(args);
      const sources = viaTsx(args);
      expect(bundled.status).toBe(0);
      expect(JSON.parse(bundled.stdout)).toEqual(JSON.parse(sources.stdout));
      expect(bundled.stdout).toBe(sources.stdout);
      expect(bundled.stderr).toBe(sources.stderr);
    }
  });

  it("plans the same promotion as the TypeScript sources", { timeout: 60_000 }, () => {
    const dir = fixtureDir("flux-monorepo");
    const scan = JSON.parse(viaTsx(["scan", dir, "--json"]).stdout) as {
      environments: { name: string; order: number }[];
      deployments: { app: string; env: string }[];
    };
    const order = new Map(scan.environments.map((e) => [e.name, e.order]));
    const envsOf = (app: string) =>
      scan.deployments
        .filter((d) => d.app === app)
        .map((d) => d.env)
        .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const app = scan.deployments.map((d) => d.app).find((a) => envsOf(a).length >= 2);
    expect(app).toBeDefined();
    const [from, to] = envsOf(app!);
    for (const extra of [["--json"], []]) {
      const args = ["promote", dir, "--app", app!, "--from", from!, "--to", to!, ...extra];
      const bundled = viaBundle(args);
      const sources = viaTsx(args);
      expect(bundled).toEqual(sources);
    }
    // Usage errors go the same way too.
    expect(viaBundle(["promote", dir, "--app", app!])).toEqual(viaTsx(["promote", dir, "--app", app!]));
  });

  it("falls back to the sources when the bundle no longer matches them, not when only an mtime moved", () => {
    const manifest = JSON.parse(readFileSync(path.join(out, "ferry.manifest.json"), "utf8")) as {
      files: { path: string; size: number; mtimeMs: number; sha256: string }[];
    };
    const stale = mkdtempSync(path.join(tmpdir(), "ferry-cli-stale-"));
    try {
      const write = (files: typeof manifest.files) => {
        writeFileSync(path.join(stale, "ferry.manifest.json"), JSON.stringify({ ...manifest, files }));
        writeFileSync(path.join(stale, "ferry.mjs"), readFileSync(path.join(out, "ferry.mjs")));
      };
      const main = manifest.files.findIndex((f) => f.path === "lib/cli/main.ts");
      expect(main).toBeGreaterThanOrEqual(0);
      const withMain = (change: Partial<(typeof manifest.files)[number]>) => manifest.files.map((f, i) => (i === main ? { ...f, ...change } : f));

      // Same content, other mtime (a fresh clone, a copy): still the bundle.
      write(withMain({ mtimeMs: 1 }));
      expect(route(stale)).toContain("running the prebuilt bundle");
      // Other content: the sources.
      write(withMain({ mtimeMs: 1, sha256: "0".repeat(64) }));
      expect(route(stale)).toBe("ferry: running the TypeScript sources (lib/cli/main.ts changed since the build; npm run build:cli makes a bundle)");
      // A source file the build read is gone.
      write([...manifest.files, { path: "lib/cli/gone.ts", size: 1, mtimeMs: 1, sha256: "" }]);
      expect(route(stale)).toContain("lib/cli/gone.ts changed since the build");
      // No build at all.
      rmSync(path.join(stale, "ferry.manifest.json"));
      expect(route(stale)).toContain("running the TypeScript sources (no build in");
    } finally {
      rmSync(stale, { recursive: true, force: true });
    }
  });
});
