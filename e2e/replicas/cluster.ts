import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { demoHistory, githubEnv, seedGitHub } from "../../lib/changes/testing/forge-setup";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../lib/db/embedded";
import { findFreePort } from "../../lib/db/free-port";
import { GitHubTestServer } from "../../lib/scm/github/testing/github-test-server";
import { TEST_TOKEN } from "../../lib/scm/github/testing/token";

// Several Ferry processes on one PostgreSQL, as the Helm chart runs them: the prepare step once
// (scripts/prepare-database.ts: migrations, repositories, first sync), then web replicas
// (FERRY_SYNC_WORKER=off) and workers, each `next start` on the production build with a data dir of
// its own, like pods. The repository is on the GitHub test server (spec-validated, real git over
// smart HTTP, the demo payments-gitops history), in this process so a spec can make it hang.

const root = path.resolve(import.meta.dirname, "..", "..");
const nextBin = path.join(root, "node_modules", ".bin", "next");

export const REPOSITORY = "payments-github";
export const WEBHOOK_SECRET = "replicas-github-webhook-secret";
export const OWNER = "acme";
export const REPO = "gitops";
/** The periodic sync's interval here: the shortest cron step, one minute. */
export const SYNC_INTERVAL_SECONDS = 60;
/** FERRY_JOB_TIMEOUT_SECONDS here: how long a killed worker's job stays taken. */
export const JOB_TIMEOUT_SECONDS = 15;

export interface Replica {
  name: string;
  url: string;
  worker: boolean;
  child: ChildProcess;
  /** Its output, for the report of a failing test. */
  output: string[];
}

export function replicaPorts(env: Record<string, string | undefined> = process.env) {
  const base = Number(env.FERRY_E2E_PORT ?? 3100) + 40;
  return { web: [base, base + 1], workers: [base + 2, base + 3], github: base + 4 };
}

export class Cluster {
  readonly replicas = new Map<string, Replica>();
  private constructor(
    readonly database: EmbeddedPostgresHandle,
    readonly github: GitHubTestServer,
    /** The test's own connection: every count is read from the database the processes share. */
    readonly db: pg.Pool,
    private readonly dataDir: string,
  ) {}

  static async start(dataDir = mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-replicas-"))): Promise<Cluster> {
    const ports = replicaPorts();
    const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "database"), port: await findFreePort() });
    const github = await GitHubTestServer.start({ owner: OWNER, repo: REPO, auth: { kind: "token", token: TEST_TOKEN }, port: ports.github });
    seedGitHub(github, await demoHistory("payments-gitops"));
    const cluster = new Cluster(database, github, new pg.Pool({ connectionString: database.connectionString, max: 2 }), dataDir);
    // Not spawnSync: the GitHub test server in this process must go on answering the step's git fetches.
    const prepared = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ["--import", "tsx", "scripts/prepare-database.ts"], { cwd: root, env: cluster.env("prepare", false) }, (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      ),
    );
    const output = `${prepared.stdout}\n${prepared.stderr}`;
    mkdirSync(path.join(root, "test-results", "replicas-logs"), { recursive: true });
    writeFileSync(path.join(root, "test-results", "replicas-logs", "prepare.log"), output);
    if (prepared.status !== 0) throw new Error(`the prepare step failed:\n${output}`);
    // The prepare step starts the portal anyway when a repository cannot be read; these tests need it read.
    const [synced] = await cluster.query<{ headSha: string | null }>('SELECT "headSha" FROM "Repository" WHERE name = $1', [REPOSITORY]);
    if (!synced?.headSha) throw new Error(`the prepare step did not sync ${REPOSITORY}:\n${output}`);
    return cluster;
  }

  /** What every process of the deployment is given (the chart's one Secret and ConfigMap). */
  env(name: string, worker: boolean): NodeJS.ProcessEnv {
    const url = new URL(this.database.connectionString);
    // Names each process's connections, so the test can tell from pg_stat_activity who holds a lock.
    url.searchParams.set("application_name", `ferry-${name}`);
    const repositories = [{ name: REPOSITORY, provider: "github", url: this.github.repositoryUrl, branch: "main", team: "payments" }];
    const env: Record<string, string | undefined> = {
      ...process.env,
      DATABASE_URL: url.toString(),
      FERRY_DATA_DIR: path.join(this.dataDir, name),
      FERRY_SYNC_WORKER: worker ? "on" : "off",
      FERRY_SYNC_INTERVAL_SECONDS: String(SYNC_INTERVAL_SECONDS),
      FERRY_JOB_TIMEOUT_SECONDS: String(JOB_TIMEOUT_SECONDS),
      FERRY_REPOSITORIES: JSON.stringify(repositories),
      FERRY_CONFIG: undefined,
      FERRY_PUBLIC_URL: undefined,
      FERRY_AUTH: "demo",
      FERRY_ALLOW_DEMO_SIGNIN: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      ...githubEnv({ secret: WEBHOOK_SECRET, apiUrl: this.github.apiUrl }),
    };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    return env as NodeJS.ProcessEnv;
  }

  /** Starts one `next start` (its own process group, so a SIGKILL reaches all of it) and waits until it is ready. */
  async startReplica(name: string, port: number, worker: boolean): Promise<Replica> {
    mkdirSync(path.join(this.dataDir, name), { recursive: true });
    const child = spawn(nextBin, ["start", "-p", String(port)], { cwd: root, env: { ...this.env(name, worker), PORT: String(port) }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const replica: Replica = { name, url: `http://localhost:${port}`, worker, child, output: [] };
    // Also kept whole in test-results/replicas-logs (the report shows only the start of an attachment).
    mkdirSync(path.join(root, "test-results", "replicas-logs"), { recursive: true });
    const file = createWriteStream(path.join(root, "test-results", "replicas-logs", `${name}.log`));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => replica.output.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
      stream?.pipe(file, { end: false });
    }
    child.once("exit", () => file.end());
    this.replicas.set(name, replica);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${replica.output.join("\n")}`);
      const ready = await fetch(`${replica.url}/api/health/ready`).then((r) => r.ok, () => false);
      // A worker must also have its job worker running: one whose start failed once served on without
      // taking any job, and the other worker's job waited for it after the kill.
      if (ready && (!worker || replica.output.some((line) => line.includes('"msg":"sync worker started"')))) return replica;
      if (Date.now() > deadline) throw new Error(`${name} was not ready${worker ? " with its job worker started" : ""} within 90 s:\n${replica.output.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  replica(name: string): Replica {
    const replica = this.replicas.get(name);
    if (!replica) throw new Error(`no replica ${name}`);
    return replica;
  }

  /** SIGKILL to the whole process group: no shutdown hook, no graceful stop of the job queue, as when a node dies. */
  async kill(name: string): Promise<void> {
    const { child } = this.replica(name);
    const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
    process.kill(-child.pid!, "SIGKILL");
    await exited;
  }

  async query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, values)).rows;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.replicas.values()].map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        try {
          process.kill(-child.pid!, "SIGTERM");
        } catch {
          return;
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            // Gone meanwhile.
          }
        }, 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await this.db.end().catch(() => {});
    await this.github.close();
    await this.database.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
