import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fixtureDir } from "../gitops/testing/load-fixture";
import { loadTree } from "./load-tree";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/ferry.js");

const scanJson = z.strictObject({
  conventions: z.array(z.string()),
  environments: z.array(z.strictObject({ name: z.string(), order: z.number() })),
  teams: z.array(z.strictObject({ name: z.string() })),
  apps: z.array(z.strictObject({ name: z.string(), team: z.string().nullable() })),
  deployments: z.array(
    z.strictObject({
      app: z.string(),
      env: z.string(),
      path: z.string(),
      versions: z.array(
        z.strictObject({
          kind: z.enum(["image", "chart", "git", "other"]),
          name: z.string(),
          value: z.string().nullable(),
          floating: z.boolean(),
          file: z.string(),
          field: z.string(),
        }),
      ),
      errors: z.array(z.string()),
    }),
  ),
  errors: z.array(z.strictObject({ file: z.string(), message: z.string() })),
  notes: z.array(z.string()),
});

function ferry(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

describe("ferry scan (child process)", () => {
  it("prints exactly the documented JSON shape", () => {
    const out = execFileSync(process.execPath, [BIN, "scan", fixtureDir("flux-monorepo"), "--json"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    const parsed = scanJson.parse(JSON.parse(out));
    expect(parsed.deployments.map((d) => `${d.app}/${d.env}`)).toEqual([
      "app2/staging",
      "app2/production",
      "ingress-nginx/staging",
      "ingress-nginx/production",
      "podinfo/staging",
      "podinfo/production",
    ]);
    expect(parsed.environments).toEqual([{ name: "staging", order: 0 }, { name: "production", order: 1 }]);
  });

  it("exits 0 with per-file errors and reports them in JSON", () => {
    const res = ferry("scan", fixtureDir("hostile"), "--json");
    expect(res.status).toBe(0);
    const parsed = scanJson.parse(JSON.parse(res.stdout));
    expect(parsed.errors.map((e) => e.file)).toContain("apps/web/overlays/staging/broken.yaml");
  });

  it("reports in JSON the notes the table prints", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ferry-scan-notes-"));
    const ks = (name: string, at: string) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${at}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
    mkdirSync(path.join(dir, "clusters/prod/flux-system"), { recursive: true });
    mkdirSync(path.join(dir, "apps/prod"), { recursive: true });
    writeFileSync(path.join(dir, "clusters/prod/flux-system/gotk-sync.yaml"), ks("flux-system", "./clusters/prod"));
    writeFileSync(path.join(dir, "clusters/prod/apps.yaml"), ks("apps", "./apps/prod"));
    writeFileSync(path.join(dir, "clusters/prod/nfs.yaml"), ks("nfs", "./infrastructure/nfs"));
    writeFileSync(path.join(dir, "apps/prod/web.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.0\n");
    const missing = "clusters/prod/nfs.yaml: Flux Kustomization nfs (cluster prod): path ./infrastructure/nfs does not exist";
    expect(ferry("scan", dir).stdout).toContain(`note: ${missing}`);
    const parsed = scanJson.parse(JSON.parse(ferry("scan", dir, "--json").stdout));
    expect(parsed.notes).toContain(missing);
  });

  it("prints a readable table by default", () => {
    const res = ferry("scan", fixtureDir("cloudogu-tenant"));
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^APP\s+TEAM\s+ENV\s+VERSIONS/);
    expect(res.stdout).toMatch(/my-app\s+example-tenant\s+production\s+registry\.example\.com\/example-tenant\/my-app:0\.9\.1/);
  });

  it("fails with one line on stderr for a missing dir, a file, or an unknown command", () => {
    for (const args of [["scan", "/nonexistent/ferry"], ["scan", BIN], ["frobnicate"], ["scan"]]) {
      const res = ferry(...args);
      expect(res.status, args.join(" ")).not.toBe(0);
      expect(res.stdout).toBe("");
      expect(res.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("reads a checkout of a rendered-manifests branch (env/prod) as that environment", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ferry-hydrated-"));
    mkdirSync(path.join(dir, "shop"));
    writeFileSync(path.join(dir, "shop/manifest.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: shop\n          image: registry.example.com/shop:4.2.0\n");
    const git = (...args: string[]) => execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { stdio: "ignore" });
    git("init", "-q", "-b", "env/prod");
    git("add", ".");
    git("commit", "-q", "-m", "rendered");
    const envs = () => scanJson.parse(JSON.parse(ferry("scan", dir, "--json").stdout)).deployments.map((d) => `${d.app}@${d.env}`);
    expect(envs()).toEqual(["shop@prod"]);
    git("checkout", "-q", "-b", "main");
    expect(envs()).toEqual(["shop@default"]);
  });

  it("--help prints usage and exits 0", () => {
    for (const args of [["--help"], ["scan", "--help"]]) {
      const res = ferry(...args);
      expect(res.status).toBe(0);
      expect(res.stdout).toContain("Usage: ferry");
    }
  });
});

describe("loadTree", () => {
  it("skips .git and node_modules, reports symlinks without following them", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ferry-load-"));
    mkdirSync(path.join(dir, ".git"));
    mkdirSync(path.join(dir, "node_modules/x"), { recursive: true });
    mkdirSync(path.join(dir, "apps"));
    writeFileSync(path.join(dir, ".git/config"), "x");
    writeFileSync(path.join(dir, "node_modules/x/a.yaml"), "x");
    writeFileSync(path.join(dir, "apps/a.yaml"), "a: 1");
    symlinkSync("/etc/passwd", path.join(dir, "apps/evil.yaml"));
    const { tree, errors } = await loadTree(dir);
    expect([...tree.keys()]).toEqual(["apps/a.yaml"]);
    expect(errors).toEqual([{ file: "apps/evil.yaml", message: "symlink, not followed (it could point outside the repository)" }]);
  });
});
