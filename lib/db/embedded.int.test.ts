import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "./embedded.ts";
import { FerryStartupError } from "./errors.ts";
import { findFreePort } from "./free-port.ts";
import { isAlive } from "./stale-pid.ts";

// One data directory for the whole file: the first start pays for initdb, the rest are restarts.
let dataDir: string;
const running = new Set<EmbeddedPostgresHandle>();
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "ferry-embedded-test-"));
});
afterEach(async () => {
  for (const handle of running) await handle.stop().catch(() => {});
  running.clear();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function start(dir = dataDir): Promise<EmbeddedPostgresHandle> {
  const handle = await startEmbeddedPostgres({ dataDir: dir, port: await findFreePort() });
  running.add(handle);
  return handle;
}

async function stop(handle: EmbeddedPostgresHandle): Promise<void> {
  running.delete(handle);
  await handle.stop();
}

async function sql<T extends pg.QueryResultRow>(connectionString: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("startEmbeddedPostgres", () => {
  it("creates the cluster and the ferry database once, and keeps data across restarts", async () => {
    const first = await start();
    expect(first.initialised).toBe(true);
    expect(first.connectionString).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/ferry$/);
    expect(first.pid).toEqual(expect.any(Number));
    await sql(first.connectionString, `CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('still here')`);
    await stop(first);
    expect(isAlive(first.pid!)).toBe(false);

    const second = await start();
    expect(second.initialised).toBe(false);
    expect(await sql(second.connectionString, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    await stop(second);
  });

  it("starts despite a postmaster.pid left by a killed server (its PID is dead)", async () => {
    const handle = await start();
    await stop(handle);
    // What SIGKILL leaves: the lock file of a process that no longer exists.
    const deadPid = await new Promise<number>((resolve) => {
      const child = spawn("true");
      child.on("exit", () => resolve(child.pid!));
    });
    const pidFile = path.join(dataDir, "pg", "postmaster.pid");
    await writeFile(pidFile, `${deadPid}\n${path.join(dataDir, "pg")}\n1700000000\n54329\n\n127.0.0.1\n  1234   5678\nready\n`);

    const again = await start();
    expect(await sql(again.connectionString, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    expect((await readFile(pidFile, "utf8")).split("\n")[0]).toBe(String(again.pid));
  });

  it("starts despite a postmaster.pid whose PID now belongs to another program", async () => {
    const handle = await start();
    await stop(handle);
    const other = spawn("sleep", ["30"]);
    try {
      await writeFile(path.join(dataDir, "pg", "postmaster.pid"), `${other.pid}\n${path.join(dataDir, "pg")}\n1700000000\n54329\n`);
      const again = await start();
      expect(await sql(again.connectionString, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    } finally {
      other.kill("SIGKILL");
    }
  });

  it("stops a server orphaned by a killed launcher, then starts normally", async () => {
    const orphan = await start();
    running.delete(orphan);
    // The launcher that started it is gone: its owner file names a dead process.
    await writeFile(path.join(dataDir, "pg.owner"), "999999999\n");
    const again = await start();
    expect(again.pid).not.toBe(orphan.pid);
    expect(isAlive(orphan.pid!)).toBe(false);
    expect(await sql(again.connectionString, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
  });

  it("refuses, in one line, a data directory another live Ferry is using", async () => {
    const live = await start();
    const otherFerry = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      await writeFile(path.join(dataDir, "pg.owner"), `${otherFerry.pid}\n`);
      const error = await startEmbeddedPostgres({ dataDir, port: await findFreePort() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FerryStartupError);
      expect((error as FerryStartupError).toLine()).toMatch(/in use by another Ferry \(PID \d+\): stop that one first, or set FERRY_DATA_DIR/);
      expect(isAlive(live.pid!)).toBe(true);
    } finally {
      otherFerry.kill("SIGKILL");
    }
  });

  it("reports a data directory it cannot write as a FerryStartupError with a hint", async () => {
    const file = path.join(dataDir, "not-a-directory");
    await writeFile(file, "");
    const error = await startEmbeddedPostgres({ dataDir: path.join(file, "data") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryStartupError);
    const line = (error as FerryStartupError).toLine();
    expect(line).toMatch(/the data directory .*not-a-directory\/data is not writable \(ENOTDIR\): make it writable, set FERRY_DATA_DIR/);
    expect(line).not.toContain("\n");
  });

  it("reports a fixed port that is taken", async () => {
    const live = await start();
    const error = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "second"), port: live.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryStartupError);
    expect((error as FerryStartupError).toLine()).toBe(`port ${live.port} for the embedded database is in use: set FERRY_PG_PORT to a free port`);
  });

  it("makes a private temp directory enterable for the postgres user", async () => {
    const privateDir = await mkdtemp(path.join(tmpdir(), "ferry-embedded-private-"));
    try {
      await chmod(privateDir, 0o700);
      const handle = await start(privateDir);
      expect(await sql(handle.connectionString, "SELECT current_database() AS db")).toEqual([{ db: "ferry" }]);
      await stop(handle);
    } finally {
      await rm(privateDir, { recursive: true, force: true });
    }
  });

  it("lets the postgres user through a private folder above the data directory (a fresh clone in mktemp -d), and says so", async () => {
    const checkout = await mkdtemp(path.join(tmpdir(), "ferry-embedded-clone-"));
    try {
      await chmod(checkout, 0o700);
      const lines: string[] = [];
      const handle = await startEmbeddedPostgres({ dataDir: path.join(checkout, ".data"), log: (line) => lines.push(line) });
      expect(await sql(handle.connectionString, "SELECT current_database() AS db")).toEqual([{ db: "ferry" }]);
      expect(lines.some((l) => l.includes(`enter ${checkout}`))).toBe(process.getuid?.() === 0);
      await handle.stop();
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  });
});

describe("stop()", () => {
  it("returns when the server already died on its own", async () => {
    const handle = await start();
    process.kill(handle.pid!, "SIGKILL");
    await stop(handle);
    expect(isAlive(handle.pid!)).toBe(false);
  });
});
