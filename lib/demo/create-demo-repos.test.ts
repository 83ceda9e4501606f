import { configuredEnvironments, parseRepoConfig } from "@/lib/gitops/config";
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments, parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoRepositories, type DemoRepository } from "./create-demo-repos";
import { readDemoContent, type DemoRepoContent } from "./demo-content";

const DEMO_DIR = path.resolve(import.meta.dirname, "../../demo/repos");
const run = promisify(execFile);

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
}

function walk(dir: string, rel = ""): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (child === ".git") return [];
    return e.isDirectory() ? walk(dir, child) : [child];
  });
}

describe("createDemoRepositories", () => {
  let targetDir: string;
  let repos: DemoRepository[];
  let content: DemoRepoContent[];

  beforeAll(async () => {
    targetDir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-demo-"));
    content = await readDemoContent(DEMO_DIR);
    repos = await createDemoRepositories({ targetDir, demoDir: DEMO_DIR });
  });
  afterAll(() => fs.rmSync(targetDir, { recursive: true, force: true }));

  it("creates the three demo repositories on main", () => {
    expect(repos.map((r) => r.name)).toEqual(["fleet", "payments-gitops", "platform"]);
    for (const r of repos) {
      expect(r).toMatchObject({ defaultBranch: "main", created: true, path: path.join(targetDir, r.name) });
      expect(r.error).toBeUndefined();
      expect(git(r.path, "symbolic-ref", "--short", "HEAD").trim()).toBe("main");
      expect(git(r.path, "status", "--porcelain")).toBe("");
      expect(git(r.path, "config", "receive.denyCurrentBranch").trim()).toBe("updateInstead");
    }
    // No temp directories left behind.
    expect(fs.readdirSync(targetDir).sort()).toEqual(["fleet", "payments-gitops", "platform"]);
  });

  it("replays every commit with its author, committer, date and message", () => {
    for (const r of repos) {
      const commits = content.find((c) => c.name === r.name)?.commits ?? [];
      expect(commits.length).toBeGreaterThanOrEqual(4);
      expect(commits.length).toBeLessThanOrEqual(8);
      const log = git(r.path, "log", "--reverse", "--format=%an|%ae|%cn|%ce|%aI|%cI|%s")
        .trim()
        .split("\n");
      expect(log).toHaveLength(commits.length);
      log.forEach((line, i) => {
        const c = commits[i];
        const [an, ae, cn, ce, ad, cd, subject] = line.split("|");
        expect({ an, ae, cn, ce }).toEqual({ an: c?.author.name, ae: c?.author.email, cn: c?.author.name, ce: c?.author.email });
        expect(new Date(ad ?? "").getTime()).toBe(new Date(c?.date ?? "").getTime());
        expect(cd).toBe(ad);
        expect(subject).toBe(c?.message.split("\n")[0]);
      });
      const authors = new Set(commits.map((c) => c.author.email));
      expect(authors.size).toBeGreaterThanOrEqual(3);
    }
  });

  it("produces the same history on every machine (deterministic shas)", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-demo-again-"));
    try {
      const again = await createDemoRepositories({ targetDir: other, demoDir: DEMO_DIR });
      for (const r of again) {
        const first = repos.find((x) => x.name === r.name);
        expect(git(r.path, "rev-parse", "HEAD")).toBe(git(first?.path ?? "", "rev-parse", "HEAD"));
      }
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it("leaves existing repositories alone when run again", async () => {
    const payments = path.join(targetDir, "payments-gitops");
    fs.writeFileSync(path.join(payments, "NOTES.md"), "user change\n");
    git(payments, "add", "NOTES.md");
    git(payments, "-c", "user.name=User", "-c", "user.email=user@example.com", "commit", "--quiet", "-m", "user change");
    const heads = Object.fromEntries(repos.map((r) => [r.name, git(r.path, "rev-parse", "HEAD")]));

    const again = await createDemoRepositories({ targetDir, demoDir: DEMO_DIR });
    expect(again.map((r) => [r.name, r.created, r.error])).toEqual(repos.map((r) => [r.name, false, undefined]));
    for (const r of again) expect(git(r.path, "rev-parse", "HEAD")).toBe(heads[r.name]);
    expect(git(payments, "log", "-1", "--format=%s").trim()).toBe("user change");
  });

  it("accepts pushes to the checked-out main branch", () => {
    const platform = path.join(targetDir, "platform");
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-demo-clone-"));
    try {
      git(clone, "clone", "--quiet", platform, ".");
      fs.writeFileSync(path.join(clone, "pushed.txt"), "pushed\n");
      git(clone, "add", "pushed.txt");
      git(clone, "-c", "user.name=User", "-c", "user.email=user@example.com", "commit", "--quiet", "-m", "pushed");
      git(clone, "push", "--quiet", "origin", "main");
      expect(fs.readFileSync(path.join(platform, "pushed.txt"), "utf8")).toBe("pushed\n");
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  });

  it("recreates a deleted repository", async () => {
    const fleet = path.join(targetDir, "fleet");
    const head = git(fleet, "rev-parse", "HEAD");
    fs.rmSync(fleet, { recursive: true });
    const again = await createDemoRepositories({ targetDir, demoDir: DEMO_DIR });
    expect(again.find((r) => r.name === "fleet")).toMatchObject({ created: true });
    expect(git(fleet, "rev-parse", "HEAD")).toBe(head);
  });

  it("reports a corrupted repository and does not delete it", async () => {
    const corrupt = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-demo-corrupt-"));
    try {
      await createDemoRepositories({ targetDir: corrupt, demoDir: DEMO_DIR });
      const fleet = path.join(corrupt, "fleet");
      fs.writeFileSync(path.join(fleet, ".git", "HEAD"), "garbage\n");
      const platform = path.join(corrupt, "platform");
      fs.rmSync(path.join(platform, ".git"), { recursive: true });
      const before = walk(fleet).sort();

      const again = await createDemoRepositories({ targetDir: corrupt, demoDir: DEMO_DIR });
      const byName = new Map(again.map((r) => [r.name, r]));
      expect(byName.get("fleet")?.error).toMatch(/fleet.*not a valid git repository.*left untouched/s);
      expect(byName.get("platform")?.error).toMatch(/not a valid git repository/);
      expect(byName.get("payments-gitops")?.error).toBeUndefined();
      // Nothing was deleted or rewritten.
      expect(walk(fleet).sort()).toEqual(before);
      expect(fs.readFileSync(path.join(fleet, ".git", "HEAD"), "utf8")).toBe("garbage\n");
      expect(fs.existsSync(path.join(platform, "README.md"))).toBe(true);
    } finally {
      fs.rmSync(corrupt, { recursive: true, force: true });
    }
  });

  it("builds every kustomization of the final trees with kubectl kustomize", async () => {
    if (process.env.FERRY_SKIP_KUBECTL === "1") return;
    const dirs: string[] = [];
    for (const r of repos) {
      for (const file of walk(r.path)) {
        if (!/(^|\/)kustomization\.ya?ml$/.test(file)) continue;
        const doc = parse(fs.readFileSync(path.join(r.path, file), "utf8")) as { kind?: string } | null;
        if (doc?.kind === "Component") continue; // components are built as part of an overlay only
        dirs.push(path.join(r.path, path.dirname(file)));
      }
    }
    expect(dirs.length).toBeGreaterThanOrEqual(20);
    const failures: string[] = [];
    await Promise.all(
      dirs.map(async (dir) => {
        try {
          const { stdout } = await run("kubectl", ["kustomize", dir], { maxBuffer: 16 * 1024 * 1024 });
          if (!stdout.includes("kind:")) failures.push(`${dir}: empty output`);
        } catch (error) {
          failures.push(`${dir}: ${(error as { stderr?: string }).stderr ?? String(error)}`);
        }
      }),
    );
    expect(failures).toEqual([]);
  }, 60_000);

  it("holds only valid YAML", () => {
    for (const r of repos) {
      for (const file of walk(r.path).filter((f) => /\.ya?ml$/.test(f))) {
        const docs = parseAllDocuments(fs.readFileSync(path.join(r.path, file), "utf8"));
        const list = Array.isArray(docs) ? docs : [docs];
        for (const doc of list) expect(doc.errors, `${r.name}/${file}`).toEqual([]);
      }
    }
  });

  it("has the versions the demo is meant to show", () => {
    const read = (repo: string, file: string) => fs.readFileSync(path.join(targetDir, repo, file), "utf8");
    const image = (env: string, app: string) => /image: (\S+)/.exec(read("payments-gitops", `apps/${app}/${env}/deployment.yaml`))?.[1];
    // Ahead in dev and staging.
    expect(["dev", "staging", "production"].map((e) => image(e, "checkout"))).toEqual(["ghcr.io/acme/checkout:2.4.0", "ghcr.io/acme/checkout:2.4.0", "ghcr.io/acme/checkout:2.3.1"]);
    // Identical everywhere.
    expect(new Set(["dev", "staging", "production"].map((e) => image(e, "ledger")))).toEqual(new Set(["ghcr.io/acme/ledger:1.8.2"]));
    // Floating in dev.
    expect(image("dev", "invoices")).toBe("ghcr.io/acme/invoices:latest");
    // Pinned by digest.
    expect(read("fleet", "apps/profile/overlays/production/kustomization.yaml")).toMatch(/digest: sha256:[0-9a-f]{64}/);
    // Image automation setter on the bot-managed field.
    expect(read("fleet", "apps/auth/overlays/dev/kustomization.yaml")).toContain('newTag: 3.2.0 # {"$imagepolicy": "flux-system:auth:tag"}');
    // Env-specific files a folder promotion must never copy.
    expect(read("fleet", "apps/sessions/overlays/staging/secret.enc.yaml")).toContain("sops:");
    expect(read("fleet", "apps/sessions/overlays/staging/env-config.yaml")).toContain("kind: ConfigMap");
    // Helm chart versions per env (global-envs layout) and the Argo CD chart targetRevision.
    expect(read("fleet", "apps/production/search-api/kustomization.yaml")).toContain('version: "1.3.2"');
    expect(read("fleet", "apps/staging/search-api/kustomization.yaml")).toContain('version: "1.4.0"');
    expect(read("platform", "apps/ingress-nginx/production/application.yaml")).toContain("targetRevision: 4.11.5");
    expect(read("platform", "apps/ingress-nginx/dev/application.yaml")).toContain("targetRevision: 4.12.1");
    // Read through Ferry's own config parser, so the demo can never drift from the schema.
    const { config, errors } = parseRepoConfig(read("fleet", ".ferry/config.yaml"));
    expect(errors).toEqual([]);
    expect(config?.teams).toEqual({ identity: ["auth", "profile", "sessions"], search: ["search-api", "indexer"] });
    expect(configuredEnvironments(config)).toEqual([
      { name: "dev", protected: false },
      { name: "staging", protected: false },
      { name: "production", protected: true },
    ]);
  });
});
