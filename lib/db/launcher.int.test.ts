import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findFreePort } from "./free-port.ts";

// The launcher's expected failures, end to end: one `ferry: …` line on stderr, exit code 1, no stack.
const root = path.resolve(import.meta.dirname, "../..");

function launch(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", "--dev"], {
      cwd: root,
      env: { ...process.env, FERRY_DEBUG: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("scripts/start.ts", () => {
  it("refuses a taken PORT in one line", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const result = await launch({ PORT: String(port), DATABASE_URL: "" });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`ferry: Port ${port} is in use: stop the other process or set PORT=<a free port>\n`);
    } finally {
      server.close();
    }
  });

  it("names the unreachable DATABASE_URL host in one line, without its password", async () => {
    const dbPort = await findFreePort();
    const result = await launch({ PORT: String(await findFreePort()), DATABASE_URL: `postgresql://ferry:s3cret@127.0.0.1:${dbPort}/portal` });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `ferry: cannot reach PostgreSQL at 127.0.0.1:${dbPort}/portal: connection refused: check DATABASE_URL, or unset it to use the embedded database\n`,
    );
    expect(result.stdout + result.stderr).not.toContain("s3cret");
  });

  it("reports an unusable data directory in one line", async () => {
    const result = await launch({ PORT: String(await findFreePort()), DATABASE_URL: "", FERRY_DATA_DIR: path.join(root, "package.json", "data") });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ferry: the data directory .*package\.json\/data is not writable \(ENOTDIR\): make it writable, set FERRY_DATA_DIR[^\n]*\n$/);
  });

  it("refuses demo sign-in in production, and next to a real provider, saying what to set", async () => {
    const port = String(await findFreePort());
    const production = await launch({ PORT: port, NODE_ENV: "production", FERRY_AUTH: "", FERRY_OIDC_ISSUER: "", FERRY_ALLOW_DEMO_SIGNIN: "" });
    expect(production.code).toBe(1);
    expect(production.stderr).toBe(
      "ferry: demo sign-in is refused because NODE_ENV=production: on it anyone may sign in as a platform admin: configure a real provider (FERRY_AUTH=oidc, FERRY_OIDC_ISSUER, FERRY_OIDC_CLIENT_ID), or set FERRY_ALLOW_DEMO_SIGNIN=1 to run with demo users\n",
    );
    const both = await launch({ PORT: port, FERRY_AUTH: "demo,oidc", FERRY_OIDC_ISSUER: "https://idp.example.com", FERRY_OIDC_CLIENT_ID: "ferry", FERRY_PUBLIC_URL: "https://ferry.example.com", FERRY_ALLOW_DEMO_SIGNIN: "" });
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^ferry: demo sign-in is refused because FERRY_AUTH names a real provider \(oidc\).*FERRY_ALLOW_DEMO_SIGNIN=1 to offer the demo users anyway\n$/);
  });

  it("warns loudly when demo sign-in is allowed in production anyway", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      // The taken port stops the launcher right after the sign-in check.
      const result = await launch({ PORT: String(port), NODE_ENV: "production", FERRY_AUTH: "", FERRY_OIDC_ISSUER: "", FERRY_ALLOW_DEMO_SIGNIN: "1" });
      expect(result.stdout).toContain("ferry: WARNING: demo sign-in is on although NODE_ENV=production (FERRY_ALLOW_DEMO_SIGNIN=1): anyone who reaches this portal can sign in as a platform admin\n");
      expect(result.stderr).toBe(`ferry: Port ${port} is in use: stop the other process or set PORT=<a free port>\n`);
    } finally {
      server.close();
    }
  });
});
