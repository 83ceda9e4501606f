// `npm run bench:forge-read`: what reading a 2,000-file repository costs at the forge, through the
// GitHub and the GitLab provider against their test servers. A counting proxy sits between the
// provider and the server, so every request is seen (REST calls and git smart HTTP alike) with the
// bytes it moved, whatever the provider does. Each scenario reads what a sync reads: the head,
// the tree, the blobs it has not stored yet, the last commit of each (app, env) folder it re-indexes.
//   first sync       — a fresh process, nothing stored
//   idle poll        — the head did not move
//   one-file change  — one file changed in one folder
// Prints numbers, asserts nothing (the counting test lib/scm/forge-read-cost.int.test.ts does: through
// the real sync, with Postgres).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GitHubRepository } from "@/lib/scm/github/repository";
import { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { TEST_TOKEN } from "@/lib/scm/github/testing/token";
import { GitLabRepository } from "@/lib/scm/gitlab/repository";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { benchFiles, CHANGED_FILE, envFolders } from "@/lib/scm/testing/two-thousand-files";
import type { ScmRepository } from "@/lib/scm/types";

/** What one sync reads from a provider; `stored` is the blob shas already in the cache (updated). */
export async function readLikeASync(scm: ScmRepository, state: { headSha: string | null; stored: Set<string>; files: Map<string, string> }): Promise<"unchanged" | "synced"> {
  const headSha = await scm.resolveRef(scm.defaultBranch);
  if (headSha === state.headSha) return "unchanged";
  const entries = await scm.readTree(headSha);
  const missing = [...new Set(entries.map((e) => e.blobSha).filter((sha) => !state.stored.has(sha)))];
  const texts = await scm.readBlobs(missing);
  for (const sha of texts.keys()) state.stored.add(sha);
  const changedFolders = new Set<string>();
  for (const e of entries) if (state.files.get(e.path) !== e.blobSha) changedFolders.add(e.path.slice(0, e.path.lastIndexOf("/")));
  const folders = state.headSha === null ? envFolders() : envFolders().filter((f) => changedFolders.has(f));
  if (folders.length > 0) await scm.lastCommitByPath(headSha, folders);
  state.headSha = headSha;
  state.files = new Map(entries.map((e) => [e.path, e.blobSha]));
  return "synced";
}

// ---- counting proxy ----

export interface Tally {
  requests: number;
  /** Bytes sent to the forge (request bodies) and received (response bodies). */
  sent: number;
  received: number;
  /** "GET /api/v3/repos/…" style lines, query left out. */
  calls: string[];
}

/** An HTTP proxy in front of `target` that counts requests and body bytes in both directions. */
export async function countingProxy(target: string): Promise<{ origin: string; tally: () => Tally; reset: () => void; close: () => Promise<void> }> {
  let tally: Tally = { requests: 0, sent: 0, received: 0, calls: [] };
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const current = tally;
    current.requests++;
    current.calls.push(`${req.method} ${(req.url ?? "").split("?")[0]}`);
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on("data", (chunk: Buffer) => (current.received += chunk.length));
      answer.pipe(res);
    });
    forward.on("error", () => res.destroy());
    req.on("data", (chunk: Buffer) => (current.sent += chunk.length));
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tally: () => tally,
    reset: () => (tally = { requests: 0, sent: 0, received: 0, calls: [] }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- scenarios ----

export interface Measurement {
  forge: string;
  step: string;
  requests: number;
  sent: number;
  received: number;
  ms: number;
}

type Forge = { name: string; origin: string; open: (origin: string, cacheDir: string) => ScmRepository; commit: (changes: Record<string, string>) => void; close: () => Promise<void> };

async function githubForge(): Promise<Forge> {
  const server = await GitHubTestServer.start({ auth: { kind: "token", token: TEST_TOKEN } });
  server.git.commitFiles("main", benchFiles("1.0.0"), "Initial layout");
  server.git.commitFiles("main", { "apps/app-001/overlays/dev/values.yaml": "image:\n  tag: 1.0.1\n" }, "Bump app-001 in dev");
  const origin = new URL(server.repositoryUrl).origin;
  return {
    name: "GitHub",
    origin,
    open: (proxy, cacheDir) =>
      new GitHubRepository({
        name: "bench",
        url: `${proxy}/${server.owner}/${server.repo}`,
        apiUrl: `${proxy}/api/v3`,
        defaultBranch: "main",
        credentials: { kind: "token", token: TEST_TOKEN },
        tuning: { msPerSecond: 1, paceWrites: false },
        ...({ cacheDir } as object),
      }),
    commit: (changes) => void server.git.commitFiles("main", changes, "One-file change"),
    close: () => server.close(),
  };
}

async function gitlabForge(): Promise<Forge> {
  const server = await GitLabTestServer.start();
  server.model.commitFiles(server.defaultBranch, benchFiles("1.0.0"), "Initial layout");
  server.model.commitFiles(server.defaultBranch, { "apps/app-001/overlays/dev/values.yaml": "image:\n  tag: 1.0.1\n" }, "Bump app-001 in dev");
  return {
    name: "GitLab",
    origin: server.url,
    open: (proxy, cacheDir) =>
      new GitLabRepository({
        name: "bench",
        url: `${proxy}/${server.projectPath}`,
        defaultBranch: server.defaultBranch,
        token: server.token,
        retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, msPerSecond: 1 },
        ...({ cacheDir } as object),
      }),
    commit: (changes) => void server.model.commitFiles(server.defaultBranch, changes, "One-file change"),
    close: () => server.close(),
  };
}

export async function measureForge(start: () => Promise<Forge>): Promise<Measurement[]> {
  const forge = await start();
  const proxy = await countingProxy(forge.origin);
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), "ferry-forge-bench-"));
  const out: Measurement[] = [];
  try {
    const scm = forge.open(proxy.origin, cacheDir);
    const state = { headSha: null as string | null, stored: new Set<string>(), files: new Map<string, string>() };
    const step = async (name: string, fn: () => Promise<unknown>) => {
      proxy.reset();
      const t0 = performance.now();
      await fn();
      const t = proxy.tally();
      out.push({ forge: forge.name, step: name, requests: t.requests, sent: t.sent, received: t.received, ms: Math.round(performance.now() - t0) });
    };
    await step("first sync", () => readLikeASync(scm, state));
    await step("idle poll", () => readLikeASync(scm, state));
    forge.commit({ [CHANGED_FILE]: benchFiles("1.1.0")[CHANGED_FILE] ?? "" });
    await step("one-file change", () => readLikeASync(scm, state));
  } finally {
    await proxy.close();
    await forge.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
  return out;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  const rows = [...(await measureForge(githubForge)), ...(await measureForge(gitlabForge))];
  console.log(`${"forge".padEnd(8)} ${"step".padEnd(16)} ${"requests".padStart(8)} ${"sent".padStart(12)} ${"received".padStart(12)} ${"time".padStart(8)}`);
  for (const r of rows) {
    console.log(`${r.forge.padEnd(8)} ${r.step.padEnd(16)} ${String(r.requests).padStart(8)} ${kib(r.sent).padStart(12)} ${kib(r.received).padStart(12)} ${`${r.ms} ms`.padStart(8)}`);
  }
  console.log(JSON.stringify({ at: new Date().toISOString(), files: Object.keys(benchFiles()).length, rows }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
