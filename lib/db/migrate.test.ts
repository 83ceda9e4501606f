import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checksumOf, DEFAULT_MIGRATIONS_DIR, readMigrations } from "./migrate.ts";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("readMigrations", () => {
  it("lists migration folders by name with the sha256 of each file's bytes", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ferry-readmigrations-"));
    for (const [name, sql] of [["20270101000000_second", "SELECT 2;\r\n"], ["20260101000000_first", "abc"]] as const) {
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, "migration.sql"), sql);
    }
    await mkdir(path.join(dir, "20280101000000_empty_folder"));
    await writeFile(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');

    const migrations = await readMigrations(dir);
    expect(migrations.map((m) => m.name)).toEqual(["20260101000000_first", "20270101000000_second"]);
    // sha256("abc") from FIPS 180-2, so the checksum is the plain digest Prisma stores.
    expect(migrations[0]!.checksum).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // Bytes as they are: CRLF is not normalised away.
    expect(migrations[1]!.checksum).toBe(checksumOf(Buffer.from("SELECT 2;\r\n")));
  });

  it("finds the repository's migrations and a lock file for postgresql", async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    for (const m of migrations) expect(m.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
    expect(await readFile(path.join(DEFAULT_MIGRATIONS_DIR, "migration_lock.toml"), "utf8")).toMatch(/^provider = "postgresql"$/m);
  });
});
