import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { disconnectPrisma } from "@/lib/db/client";
import { POST as githubPOST } from "./github/route";
import { POST as gitlabPOST } from "./gitlab/route";

// Both webhook routes answer a secret that is not configured, or whose _FILE cannot be read, the same
// way: 503 (the portal is misconfigured; the forge may retry), with a body that names the variable but
// neither the file's path nor its content. No database is needed: the routes answer before using it.

const VARIABLES = ["DATABASE_URL", "FERRY_GITHUB_WEBHOOK_SECRET", "FERRY_GITHUB_WEBHOOK_SECRET_FILE", "FERRY_GITLAB_WEBHOOK_TOKEN", "FERRY_GITLAB_WEBHOOK_TOKEN_FILE"];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
let dir: string;

function setEnv(values: Record<string, string | undefined>) {
  for (const name of VARIABLES) delete process.env[name];
  // Never connected to: with a readable secret the requests below are refused before any query.
  process.env.DATABASE_URL = "postgresql://nobody:nothing@127.0.0.1:1/none";
  for (const [name, value] of Object.entries(values)) if (value !== undefined) process.env[name] = value;
}

const routes = [
  {
    forge: "GitHub",
    variable: "FERRY_GITHUB_WEBHOOK_SECRET",
    post: githubPOST,
    request: () =>
      new Request("http://ferry.test/api/webhooks/github", {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "d-1", "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
        body: "{}",
      }),
  },
  {
    forge: "GitLab",
    variable: "FERRY_GITLAB_WEBHOOK_TOKEN",
    post: gitlabPOST,
    request: () =>
      new Request("http://ferry.test/api/webhooks/gitlab", {
        method: "POST",
        headers: { "content-type": "application/json", "x-gitlab-event": "Push Hook", "x-gitlab-token": "a-wrong-token" },
        body: "{}",
      }),
  },
];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "ferry-webhook-secret-"));
  writeFileSync(path.join(dir, "secret"), "the-secret-in-the-file\n");
});

afterEach(() => vi.restoreAllMocks());

afterAll(async () => {
  await disconnectPrisma();
  rmSync(dir, { recursive: true, force: true });
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe.each(routes)("$forge webhook route", ({ forge, variable, post, request }) => {
  it.each([
    ["a missing file", () => path.join(dir, "missing")],
    ["a directory", () => dir],
  ])("answers 503 when %s is named by the _FILE variable, without revealing the path", async (_, file) => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    setEnv({ [`${variable}_FILE`]: file() });
    const response = await post(request());
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: expect.stringContaining("misconfigured") });
    expect(text).toContain(`${variable}_FILE`);
    expect(text).not.toContain(dir);
    expect(text).not.toMatch(/ENOENT|EISDIR/);
    // The operator finds the path and the reason in the server log.
    expect(log.mock.calls.map(([line]) => JSON.parse(String(line)) as unknown)).toContainEqual(
      expect.objectContaining({ level: "error", msg: "the webhook secret cannot be read", forge: forge.toLowerCase(), error: expect.stringContaining(file()) }),
    );
  });

  it("answers 503 when the secret is not configured at all", async () => {
    setEnv({});
    const response = await post(request());
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: expect.stringContaining(`${forge} webhooks are not configured on this portal: set ${variable}`) });
  });

  it("reads the secret from a readable file: a wrong signature or token is then refused with 401", async () => {
    setEnv({ [`${variable}_FILE`]: path.join(dir, "secret") });
    const response = await post(request());
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain("the-secret-in-the-file");
  });
});
