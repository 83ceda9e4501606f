import { execFile, execFileSync, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoRepositories } from "../demo/create-demo-repos";
import { loadTree } from "./load-tree";
import { promoteJsonSchema } from "./promote";

// The CLI runs as users run it: a child process of bin/ferry.js, on copies of real demo checkouts.

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/ferry.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously, so a test server in this process can answer it. */
function ferry(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, FERRY_URL: "", FERRY_TOKEN: "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function hasKubectl(): boolean {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let work: string;
let demos: string;

/** A fresh copy of a demo checkout, so tests that write do not affect each other. */
async function checkout(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(work, `${name}-`));
  await cp(path.join(demos, name), dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "ferry-promote-cli-"));
  demos = path.join(work, "demos");
  const created = await createDemoRepositories({ targetDir: demos, demoDir: path.join(ROOT, "demo/repos") });
  expect(created.filter((r) => r.error)).toEqual([]);
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("ferry promote <dir> (local plan)", () => {
  it("prints the plan and writes nothing", async () => {
    const dir = await checkout("payments-gitops");
    const before = await readFile(path.join(dir, "apps/checkout/production/deployment.yaml"), "utf8");
    const run = await ferry(["promote", dir, "--app", "checkout", "--from", "staging", "--to", "production"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Promote checkout to production: 2.3.1 → 2.4.0");
    expect(run.stdout).toContain("2.3.1 → 2.4.0");
    expect(run.stdout).toContain("update apps/checkout/production/deployment.yaml");
    expect(run.stdout).toContain("-          image: ghcr.io/acme/checkout:2.3.1");
    expect(run.stdout).toContain("+          image: ghcr.io/acme/checkout:2.4.0");
    expect(run.stdout).toContain("Nothing written");
    expect(await readFile(path.join(dir, "apps/checkout/production/deployment.yaml"), "utf8")).toBe(before);
  });

  it("--json prints only the plan as JSON, with the edits' content", async () => {
    const dir = await checkout("payments-gitops");
    const run = await ferry(["promote", dir, "--app", "checkout", "--from", "staging", "--to", "production", "--json"]);
    expect(run.code).toBe(0);
    const json = promoteJsonSchema.strict().parse(JSON.parse(run.stdout));
    expect(json).toMatchObject({ status: "changes", branch: "ferry/promote/checkout/production", message: null });
    expect(json.fields).toEqual([expect.objectContaining({ from: "2.3.1", to: "2.4.0", file: "apps/checkout/production/deployment.yaml" })]);
    expect(json.edits.map((e) => [e.path, e.action])).toEqual([["apps/checkout/production/deployment.yaml", "update"]]);
    expect(json.edits[0]?.content).toContain("image: ghcr.io/acme/checkout:2.4.0");
    expect(json.diff).toContain("+          image: ghcr.io/acme/checkout:2.4.0");
    // Judged as the portal judges it: the re-read with the edit applied moves production alone.
    expect(json.affected).toEqual([{ app: "checkout", env: "production", versions: [{ name: "ghcr.io/acme/checkout", from: "2.3.1", to: "2.4.0" }] }]);
  });

  it("asks for --allow-floating before promoting a floating version, and plans it once given", async () => {
    const dir = await checkout("payments-gitops");
    const args = ["promote", dir, "--app", "invoices", "--from", "dev", "--to", "staging"];
    const asked = await ferry(args);
    expect(asked.code).toBe(1);
    expect(asked.stdout).toMatch(/^Needs confirmation: .*\(use --allow-floating\)/);
    const confirmed = await ferry([...args, "--allow-floating", "--json"]);
    expect(confirmed.code).toBe(0);
    const json = promoteJsonSchema.parse(JSON.parse(confirmed.stdout));
    expect(json.status).toBe("changes");
    expect(json.diff).toContain("invoices:latest");
  });

  it("says when the target is already up to date (exit 0)", async () => {
    const dir = await checkout("payments-gitops");
    const run = await ferry(["promote", dir, "--app", "ledger", "--from", "staging", "--to", "production", "--json"]);
    expect(run.code).toBe(0);
    const json = promoteJsonSchema.parse(JSON.parse(run.stdout));
    expect(json.status).toBe("up-to-date");
    expect(json.edits).toEqual([]);
  });

  it("--write changes exactly the planned files, and kustomize renders the promoted image", async (ctx) => {
    const dir = await checkout("fleet");
    const before = (await loadTree(dir)).tree;
    const planned = promoteJsonSchema.parse(JSON.parse((await ferry(["promote", dir, "--app", "auth", "--from", "staging", "--to", "production", "--json"])).stdout));
    expect(planned.status).toBe("changes");

    const run = await ferry(["promote", dir, "--app", "auth", "--from", "staging", "--to", "production", "--write"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Wrote 1 file(s)");
    const after = (await loadTree(dir)).tree;
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
    expect(changed).toEqual(planned.edits.map((e) => e.path).sort());
    for (const e of planned.edits) expect(after.get(e.path)).toBe(e.content);

    // Promoting again finds nothing left to do.
    expect((await ferry(["promote", dir, "--app", "auth", "--from", "staging", "--to", "production"])).stdout).toMatch(/^Up to date/);

    if (!hasKubectl()) ctx.skip("kubectl is not installed: the rendered overlay was not checked");
    const rendered = await promisify(execFile)("kubectl", ["kustomize", path.join(dir, "apps/auth/overlays/production")]);
    expect(rendered.stdout).toContain("image: ghcr.io/acme/auth:3.1.0");
    expect(rendered.stdout).not.toContain("ghcr.io/acme/auth:3.0.4");
  });

  it("refuses an unknown app or environment, or the same env twice (exit 1)", async () => {
    const dir = await checkout("payments-gitops");
    const app = await ferry(["promote", dir, "--app", "nope", "--from", "staging", "--to", "production"]);
    expect(app.code).toBe(1);
    expect(app.stderr).toContain("there is no app nope");
    const env = await ferry(["promote", dir, "--app", "checkout", "--from", "staging", "--to", "qa"]);
    expect(env.code).toBe(1);
    expect(env.stderr).toContain("checkout has no qa environment");
    const same = await ferry(["promote", dir, "--app", "checkout", "--from", "staging", "--to", "staging"]);
    expect(same.code).toBe(1);
    expect(same.stdout).toContain("same environment");
  });

  it("exits 2 on bad usage", async () => {
    const dir = await checkout("payments-gitops");
    const missing = await ferry(["promote", dir, "--app", "checkout", "--from", "staging"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing --to");
    expect((await ferry(["promote"])).code).toBe(2);
    expect((await ferry(["promote", dir, "--app", "checkout", "--from", "staging", "--to", "production", "--bogus"])).code).toBe(2);
    expect((await ferry(["promote", dir, "--app", "checkout", "--from", "staging", "--to", "production", "--mode", "branch"])).code).toBe(2);
  });
});

describe("ferry promote on fixtures", () => {
  it("refuses a target file that does not parse, naming it", async () => {
    const dir = await checkout("payments-gitops");
    const file = "apps/invoices/production/deployment.yaml";
    await writeFile(path.join(dir, file), `${await readFile(path.join(dir, file), "utf8")}\n  bad: [unclosed\n`);
    const run = await ferry(["promote", dir, "--app", "invoices", "--from", "staging", "--to", "production"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Refused: apps\/invoices\/production\/deployment\.yaml:\d+: /);
  });
});

describe("ferry promote --write on a hostile checkout", () => {
  const deployment = (tag: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:${tag}\n`;

  it("never writes through a symlink, and writes nothing when one edit is refused", async () => {
    const dir = await mkdtemp(path.join(work, "hostile-"));
    const outside = await mkdtemp(path.join(work, "outside-"));
    await writeFile(path.join(outside, "config.yaml"), "secret: keep\n");
    for (const env of ["staging", "production"]) await mkdir(path.join(dir, "apps/web", env), { recursive: true });
    await writeFile(path.join(dir, "apps/web/staging/deployment.yaml"), deployment("1.1.0"));
    await writeFile(path.join(dir, "apps/web/staging/config.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n");
    await writeFile(path.join(dir, "apps/web/production/deployment.yaml"), deployment("1.0.0"));
    // The checkout reader skips links and reports them: the target cell has a file it could not read, so
    // the plan is refused (and even a plan made would not write through the link).
    await symlink(path.join(outside, "config.yaml"), path.join(dir, "apps/web/production/config.yaml"));

    const run = await ferry(["promote", dir, "--app", "web", "--from", "staging", "--to", "production", "--mode", "folder", "--write"]);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain("apps/web/production/config.yaml: symlink, not followed");
    expect(await readFile(path.join(outside, "config.yaml"), "utf8")).toBe("secret: keep\n");
    expect(await readFile(path.join(dir, "apps/web/production/deployment.yaml"), "utf8")).toBe(deployment("1.0.0"));
  });
});

describe("ferry promote --server (ask a portal)", () => {
  let server: Server;
  let url: string;
  const seen: { auth: string | undefined; body: unknown }[] = [];
  let reply: { status: number; body: unknown } = { status: 500, body: {} };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        seen.push({ auth: req.headers.authorization, body: req.url === "/api/v1/promotions" ? JSON.parse(raw) : null });
        res.writeHead(reply.status, { "content-type": "application/json" });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const args = ["promote", "--repository", "payments-gitops", "--app", "checkout", "--from", "staging", "--to", "production"];

  it("posts the request with the token and prints the change link", async () => {
    reply = {
      status: 201,
      body: { ok: true, status: "opened", change: { id: 7, number: 3, url: null, link: `${url}/changes/7` }, plan: { title: "Promote checkout to production: 2.3.1 → 2.4.0" } },
    };
    const run = await ferry([...args, "--server", url, "--token", "ferry_t"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("opened change #3: Promote checkout to production");
    expect(run.stdout).toContain(`${url}/changes/7`);
    expect(seen.at(-1)).toEqual({
      auth: "Bearer ferry_t",
      body: { repository: "payments-gitops", app: "checkout", from: "staging", to: "production", mode: "version", allowDowngrade: false, allowFloating: false, allowReplaceDigestPin: false, allowUnpin: false },
    });
  });

  it("passes --allow-unpin, and says which flag a plan into a pinned cell needs", async () => {
    reply = { status: 422, body: { ok: false, status: "needs-confirmation", error: "staging is pinned by a rollback to shop:1.1.0", plan: { status: "needs-confirmation", confirm: ["allowUnpin"] } } };
    const asked = await ferry([...args, "--server", url, "--token", "ferry_t"]);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain("--allow-unpin");
    reply = { status: 201, body: { ok: true, status: "opened", change: { id: 8, number: 4, url: null, link: `${url}/changes/8` }, plan: { title: "Promote checkout to production" } } };
    expect((await ferry([...args, "--server", url, "--token", "ferry_t", "--allow-unpin"])).code).toBe(0);
    expect((seen.at(-1)?.body as { allowUnpin?: boolean }).allowUnpin).toBe(true);
  });

  it("exits 1 with the portal's reason on a refusal, reading FERRY_URL and FERRY_TOKEN", async () => {
    reply = { status: 422, body: { ok: false, status: "refused", error: "source and target are the same environment (staging)" } };
    const run = await ferry(args, { FERRY_URL: url, FERRY_TOKEN: "ferry_env" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("refused: source and target are the same environment");
    expect(seen.at(-1)?.auth).toBe("Bearer ferry_env");
  });

  it("needs a token and a repository (usage)", async () => {
    expect((await ferry([...args.filter((a) => a !== "--repository" && a !== "payments-gitops"), "--server", url, "--token", "x"])).code).toBe(2);
    const noToken = await ferry([...args, "--server", url]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain("--token");
  });
});
