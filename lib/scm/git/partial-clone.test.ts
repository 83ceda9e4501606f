import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitLabRepository } from "../gitlab/repository";
import { GitLabTestServer } from "../gitlab/testing/gitlab-test-server";

// The forges' partial clone shared by several clients (as portal replicas share a data dir): their
// fetches take turns, each sees the forge's state, and the token never lands on disk.

let server: GitLabTestServer;
const cacheDir = mkdtempSync(path.join(os.tmpdir(), "ferry-shared-clone-"));
const client = () => new GitLabRepository({ name: "gitops", url: server.projectUrl, token: server.token, cacheDir, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });

beforeAll(async () => {
  server = await GitLabTestServer.start();
  const files: Record<string, string> = {};
  for (let i = 0; i < 50; i++) files[`apps/app-${i}/values.yaml`] = `replicas: ${i}\n`;
  server.model.commitFiles("main", files, "Initial");
});
afterAll(async () => {
  await server.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("a partial clone shared by several clients", () => {
  it("concurrent syncs of one clone all read the same, correct repository", { timeout: 60_000 }, async () => {
    const clients = [client(), client(), client()];
    const reads = await Promise.all(
      clients.map(async (scm) => {
        const head = await scm.resolveRef("main");
        const entries = await scm.readTree(head);
        const texts = await scm.readBlobs(entries.map((e) => e.blobSha));
        return { head, files: entries.map((e) => `${e.path}=${texts.get(e.blobSha)?.trim()}`).sort() };
      }),
    );
    expect(reads[0]?.files).toHaveLength(50);
    expect(reads[0]?.files).toContain("apps/app-7/values.yaml=replicas: 7");
    for (const read of reads) expect(read).toEqual(reads[0]);

    const moved = server.model.commitFiles("main", { "apps/app-7/values.yaml": "replicas: 70\n" }, "Scale app-7").id;
    const [a, b] = await Promise.all([clients[0]!.resolveRef("main"), clients[1]!.resolveRef("main")]);
    expect([a, b]).toEqual([moved, moved]);
    const entry = (await client().readTree(moved)).find((e) => e.path === "apps/app-7/values.yaml");
    expect((await client().readBlobs([entry?.blobSha ?? ""])).get(entry?.blobSha ?? "")).toBe("replicas: 70\n");
  });

  it("keeps the token out of the clone and leaves no lock behind", () => {
    const dir = path.join(cacheDir, "gitlab");
    const entries = readdirSync(dir);
    expect(entries.filter((e) => e.endsWith(".git"))).toHaveLength(1);
    expect(entries.filter((e) => e.includes(".lock") || e.includes(".tmp-"))).toEqual([]);
    const clone = path.join(dir, entries.find((e) => e.endsWith(".git")) ?? "");
    const config = readFileSync(path.join(clone, "config"), "utf8");
    expect(config).not.toContain(server.token);
    expect(config).not.toMatch(/extraheader|promisor/i);
  });
});
