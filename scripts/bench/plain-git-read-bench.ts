// `npm run bench:plain-git-read`: what reading the benchmark org (.bench/org, `npm run bench:index`
// generates it) costs when each repository is configured by a plain git URL, counted at a git smart
// HTTP server (git-http-backend) in front of each: before — the full `git clone --mirror` and
// `git fetch --prune` per poll Ferry used to run — and now, the bare partial clone read as a sync reads
// it (head, tree, every blob not stored yet in one batch, the last commit of each env folder).
// Prints numbers, asserts nothing (lib/scm/plain-git-read-cost.int.test.ts does).
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gitEnv } from "@/lib/scm/git/git-env";
import { GitRepository } from "@/lib/scm/git/git-repository";
import { CountingGitServer } from "@/lib/scm/testing/counting-git-server";
import { readLikeASync } from "./forge-read-bench";

const run = promisify(execFile);
const git = (...args: string[]) => run("git", args, { env: gitEnv({ GIT_CONFIG_GLOBAL: "/dev/null" }), maxBuffer: 64 << 20 });

interface Cost {
  requests: number;
  fetches: number;
  bytes: number;
}

const sum = (a: Cost, b: Cost): Cost => ({ requests: a.requests + b.requests, fetches: a.fetches + b.fetches, bytes: a.bytes + b.bytes });
const zero = (): Cost => ({ requests: 0, fetches: 0, bytes: 0 });

async function measure(repoDir: string): Promise<{ before: { first: Cost; idle: Cost }; after: { first: Cost; idle: Cost } }> {
  const server = await CountingGitServer.start();
  const scratch = mkdtempSync(path.join(os.tmpdir(), "ferry-plain-bench-"));
  try {
    await git("-C", repoDir, "push", "--quiet", server.directory, "HEAD:refs/heads/main");
    let from = server.requests.length;
    const mirror = path.join(scratch, "mirror.git");
    await git("clone", "--mirror", "--quiet", server.url, mirror);
    const beforeFirst = server.since(from);
    from = server.requests.length;
    await git(`--git-dir=${mirror}`, "fetch", "--prune", "--quiet", "origin");
    const beforeIdle = server.since(from);

    const scm = new GitRepository({ name: path.basename(repoDir), url: server.url, cacheDir: path.join(scratch, "mirrors") });
    const state = { headSha: null as string | null, stored: new Set<string>(), files: new Map<string, string>() };
    from = server.requests.length;
    await readLikeASync(scm, state);
    const afterFirst = server.since(from);
    from = server.requests.length;
    await readLikeASync(scm, state);
    const afterIdle = server.since(from);
    return { before: { first: beforeFirst, idle: beforeIdle }, after: { first: afterFirst, idle: afterIdle } };
  } finally {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const org = path.resolve(process.argv[2] ?? ".bench/org");
  const repos = readdirSync(org, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(org, d.name));
  if (repos.length === 0) throw new Error(`no repositories in ${org}: run npm run bench:index first`);
  const total = { before: { first: zero(), idle: zero() }, after: { first: zero(), idle: zero() } };
  let files = 0;
  for (const repo of repos) {
    files += (await git("-C", repo, "ls-files")).stdout.split("\n").filter(Boolean).length;
    const m = await measure(repo);
    total.before.first = sum(total.before.first, m.before.first);
    total.before.idle = sum(total.before.idle, m.before.idle);
    total.after.first = sum(total.after.first, m.after.first);
    total.after.idle = sum(total.after.idle, m.after.idle);
  }
  const row = (label: string, c: Cost) => console.log(`${label.padEnd(36)} ${String(c.fetches).padStart(8)} ${String(c.requests).padStart(9)} ${(c.bytes / 1024).toFixed(0).padStart(10)}`);
  console.log(`${repos.length} repositories, ${files} files, each behind its own git smart HTTP server`);
  console.log(`${"".padEnd(36)} ${"fetches".padStart(8)} ${"requests".padStart(9)} ${"KiB".padStart(10)}`);
  row("before: clone --mirror (first sync)", total.before.first);
  row("before: fetch --prune (idle poll)", total.before.idle);
  row("now: partial clone (first sync)", total.after.first);
  row("now: partial clone (idle poll)", total.after.idle);
}

await main();
